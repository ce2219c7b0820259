package io.jenkins.plugins.securedelivery.gates;

import static io.jenkins.plugins.securedelivery.gates.GateFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class QualityGateTest {

    static final LocalDate TODAY = LocalDate.of(2026, 11, 24);
    static final String GREEN_BUILD[] = {"surefire/TEST-example.PriceTest-passing.xml", "jacoco/jacoco-passing-build.xml", "trivy/alpine-310.sarif",
            "cyclonedx/price-api.cdx.json", "semgrep/semgrep.sarif"};
    static final String SEMGREP_WAIVER = """
            waivers:
              - id: rules.eqeq-is-bad
                path: targets/**
                reason: test fixture code, never shipped
                owner: alice
                expires: 2026-12-31
            """;

    @TempDir Path dir;

    /** gitleaks writes an empty list when it finds nothing (its JSON reporter encodes the findings slice). */
    private Path cleanGitleaks(Path reports) throws Exception {
        Files.writeString(reports.resolve("gitleaks-report.json"), "[]\n");
        return reports;
    }

    @Test
    void passesAGreenBuildWhoseOnlySastFindingIsWaivedAndExplainsEveryRule() throws Exception {
        Reports reports = Reports.scan(List.of(cleanGitleaks(GateFixtures.reports(dir, GREEN_BUILD))));

        GateVerdict verdict = QualityGate.evaluate(GatePolicy.parse(SEMGREP_WAIVER, "policy.yaml"), "prod", reports, TODAY);

        assertThat(verdict.passed()).as(verdict.toText()).isTrue();
        assertThat(verdict.rules()).extracting(RuleVerdict::rule).containsExactly("tests", "coverage", "vulnerabilities", "licenses", "secrets", "sast");
        assertThat(verdict.rules()).allSatisfy(r -> assertThat(r.status()).isEqualTo(RuleVerdict.Status.PASS));
        assertThat(rule(verdict, "coverage").value()).isEqualTo("83.3% (5 of 6 lines)");
        assertThat(rule(verdict, "vulnerabilities").value()).isEqualTo("critical 0, high 0, medium 4, low 0, unknown 0");
        assertThat(rule(verdict, "sast").waived()).singleElement().satisfies(w -> assertThat(w.waiver().owner()).isEqualTo("alice"));
        assertThat(verdict.toText()).contains("waived: - [error] rules.eqeq-is-bad").contains("owner alice, until 2026-12-31")
                .contains("as SARIF 2.1.0 (Semgrep OSS)").contains("as gitleaks JSON");
    }

    @Test
    void anExpiredWaiverStopsCountingAndTheVerdictSaysSo() throws Exception {
        Reports reports = Reports.scan(List.of(cleanGitleaks(GateFixtures.reports(dir, GREEN_BUILD))));

        GateVerdict verdict = QualityGate.evaluate(GatePolicy.parse(SEMGREP_WAIVER, "policy.yaml"), "prod", reports, LocalDate.of(2027, 1, 1));

        assertThat(verdict.passed()).isFalse();
        assertThat(rule(verdict, "sast").status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(rule(verdict, "sast").findings()).singleElement().satisfies(f -> assertThat(f.where()).isEqualTo("targets/basic/stupid.py:3"));
        assertThat(verdict.expiredWaiversMatching()).extracting(Waiver::id).containsExactly("rules.eqeq-is-bad");
        assertThat(verdict.toText()).contains("Expired waiver, no longer counts (its finding counts again): rules.eqeq-is-bad");
    }

    @Test
    void aWaiverIsInForceOnItsExpiryDay() throws Exception {
        Reports reports = Reports.scan(List.of(cleanGitleaks(GateFixtures.reports(dir, GREEN_BUILD))));

        assertThat(QualityGate.evaluate(GatePolicy.parse(SEMGREP_WAIVER, "p"), null, reports, LocalDate.of(2026, 12, 31)).passed()).isTrue();
    }

    @Test
    void failsTheGateWhenCoverageIsBelowTheThresholdAndNamesTheUncoveredLines() throws Exception {
        Reports reports = GateFixtures.scan(dir, "jacoco/jacoco-failing-build.xml", "cobertura/c8-cobertura-coverage.xml");

        GateVerdict verdict = QualityGate.evaluate(GatePolicy.defaults(), null, reports, TODAY);

        RuleVerdict coverage = rule(verdict, "coverage");
        assertThat(coverage.status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(coverage.value()).isEqualTo("71.4% (15 of 21 lines)");
        assertThat(coverage.threshold()).isEqualTo("at least 80% of lines");
        assertThat(coverage.findings()).extracting(Finding::where, Finding::title).containsExactly(
                org.assertj.core.groups.Tuple.tuple("example/Price.java:8", "66.7% of 6 lines covered; not covered: lines 8, 17"),
                org.assertj.core.groups.Tuple.tuple("src/price.js:3", "73.3% of 15 lines covered; not covered: lines 3, 4, 10, 11"));
    }

    @Test
    void anEnvironmentOverrideLowersTheCoverageThresholdForDevOnly() throws Exception {
        Reports reports = GateFixtures.scan(dir, "jacoco/jacoco-failing-build.xml");
        GatePolicy policy = GatePolicy.parse("environments:\n  dev:\n    coverage: {min: 60}\n", "policy.yaml");

        assertThat(rule(QualityGate.evaluate(policy, "dev", reports, TODAY), "coverage").status()).isEqualTo(RuleVerdict.Status.PASS);
        assertThat(rule(QualityGate.evaluate(policy, "prod", reports, TODAY), "coverage").status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(QualityGate.evaluate(policy, "prod", reports, TODAY).overrides()).contains("no overrides for prod");
    }

    @Test
    void failingTestsFailTheGateAndAreListedByName() throws Exception {
        Reports reports = GateFixtures.scan(dir, "surefire/TEST-example.PriceTest-failing.xml", "jest-junit/jest-junit.xml");

        RuleVerdict tests = rule(QualityGate.evaluate(GatePolicy.defaults(), null, reports, TODAY), "tests");

        assertThat(tests.status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(tests.value()).isEqualTo("5 tests, 2 failed or in error, 0 skipped");
        assertThat(tests.findings()).extracting(Finding::id)
                .containsExactlyInAnyOrder("example.PriceTest.capsTheDiscountAtHalfThePrice", "caps the discount at half the price");
    }

    @Test
    void aReportWithNoTestFailsClosed() throws Exception {
        Reports reports = GateFixtures.scan(dir, "go-junit-report/015-report.xml");

        RuleVerdict tests = rule(QualityGate.evaluate(GatePolicy.defaults(), null, reports, TODAY), "tests");

        assertThat(tests.status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(tests.explanation()).contains("no test at all");
    }

    @Test
    void aMissingReportThatARuleNeedsFailsTheGateUnlessThePolicySaysItIsNotRequired() throws Exception {
        Reports reports = GateFixtures.scan(dir, "surefire/TEST-example.PriceTest-passing.xml");

        GateVerdict strict = QualityGate.evaluate(GatePolicy.defaults(), null, reports, TODAY);
        GateVerdict relaxed = QualityGate.evaluate(GatePolicy.parse("""
                coverage: {required: false}
                vulnerabilities: {required: false}
                licenses: {required: false}
                secrets: {required: false}
                sast: {required: false}
                """, "p"), null, reports, TODAY);

        assertThat(strict.passed()).isFalse();
        assertThat(rule(strict, "coverage").explanation()).contains("no JaCoCo or Cobertura XML coverage report was found in " + dir).contains("fails closed");
        assertThat(relaxed.passed()).isTrue();
        assertThat(rule(relaxed, "secrets").status()).isEqualTo(RuleVerdict.Status.NOT_CHECKED);
    }

    @Test
    void criticalVulnerabilitiesFailUnlessWaivedByCve() throws Exception {
        Reports reports = GateFixtures.scan(dir, "trivy/alpine-39-high-critical.json");

        RuleVerdict failing = rule(QualityGate.evaluate(GatePolicy.defaults(), null, reports, TODAY), "vulnerabilities");
        RuleVerdict waived = rule(QualityGate.evaluate(GatePolicy.parse("""
                waivers:
                  - {id: CVE-2019-14697, reason: musl is not used by the service, owner: security-team, expires: 2026-12-01}
                """, "p"), null, reports, TODAY), "vulnerabilities");

        assertThat(failing.status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(failing.explanation()).isEqualTo("over the limit: critical 2 > 0");
        assertThat(failing.findings()).extracting(Finding::title).allSatisfy(t -> assertThat(t).startsWith("musl"));
        assertThat(waived.status()).isEqualTo(RuleVerdict.Status.PASS);
        assertThat(waived.waived()).hasSize(2);
    }

    @Test
    void moreMediumVulnerabilitiesThanAllowedFail() throws Exception {
        Reports reports = GateFixtures.scan(dir, "trivy/alpine-310.sarif");

        RuleVerdict rule = rule(QualityGate.evaluate(GatePolicy.parse("vulnerabilities: {max: {medium: 3}}", "p"), null, reports, TODAY), "vulnerabilities");

        assertThat(rule.status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(rule.explanation()).isEqualTo("over the limit: medium 4 > 3");
        assertThat(rule.threshold()).isEqualTo("critical <= 0, high <= 0, medium <= 3, unknown <= 0");
    }

    @Test
    void unknownLicencesFailByDefaultAndOnlyWarnWhenThePolicySaysSo() throws Exception {
        Reports reports = GateFixtures.scan(dir, "cyclonedx/sample-app.cdx.json");

        RuleVerdict strict = rule(QualityGate.evaluate(GatePolicy.defaults(), null, reports, TODAY), "licenses");
        RuleVerdict lenient = rule(QualityGate.evaluate(GatePolicy.parse("licenses: {unknown: warn}", "p"), null, reports, TODAY), "licenses");

        assertThat(strict.status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(strict.value()).isEqualTo("10 components, 0 not allowed, 6 unknown");
        assertThat(strict.findings()).extracting(Finding::id).contains("pkg:pypi/requests@2.32.3", "pkg:golang/github.com/google/uuid@v1.6.0");
        assertThat(lenient.status()).isEqualTo(RuleVerdict.Status.WARN);
    }

    @Test
    void aLicenceOutsideTheAllowedListFailsAndAnOrExpressionNeedsOneAllowedChoice() throws Exception {
        Reports reports = GateFixtures.scan(dir, "cyclonedx/price-api.cdx.json");

        RuleVerdict onlyMit = rule(QualityGate.evaluate(GatePolicy.parse("licenses: {allowed: [MIT]}", "p"), null, reports, TODAY), "licenses");
        RuleVerdict onlyGpl = rule(QualityGate.evaluate(GatePolicy.parse("licenses: {allowed: [MIT, Apache-2.0, GPL-2.0]}", "p"), null, reports, TODAY), "licenses");

        assertThat(onlyMit.findings()).extracting(Finding::id, Finding::title).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("pkg:npm/typescript@5.6.3", "Apache-2.0 is not allowed"),
                org.assertj.core.groups.Tuple.tuple("pkg:npm/node-forge@1.3.1", "(BSD-3-Clause OR GPL-2.0) is not allowed"));
        assertThat(onlyGpl.status()).isEqualTo(RuleVerdict.Status.PASS);
    }

    @Test
    void anySecretFailsAndNoSecretValueReachesAnyOutput() throws Exception {
        Reports reports = GateFixtures.scan(dir, "gitleaks/json_simple.json", "gitleaks/sarif_simple.sarif", "gitleaks/baseline.json");

        GateVerdict verdict = QualityGate.evaluate(GatePolicy.defaults(), null, reports, TODAY);

        assertThat(rule(verdict, "secrets").status()).isEqualTo(RuleVerdict.Status.FAIL);
        assertThat(rule(verdict, "secrets").value()).isEqualTo("4 secrets");
        for (String output : List.of(verdict.toText(), verdict.toJson(), verdict.toJUnitXml())) {
            assertThat(output).contains("auth.py").doesNotContain("a secret").doesNotContain("line containing secret")
                    .doesNotContain("johndoe@gmail.com").doesNotContain("John Doe");
        }
    }

    @Test
    void theJUnitOutputHasOneTestCasePerRuleWithTheExplanationAsFailureMessage() throws Exception {
        Reports reports = GateFixtures.scan(dir, "surefire/TEST-example.PriceTest-failing.xml", "jacoco/jacoco-passing-build.xml");
        GateVerdict verdict = QualityGate.evaluate(GatePolicy.parse("licenses: {required: false}", "p"), "staging", reports, TODAY);

        Document junit = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(verdict.toJUnitXml().getBytes(StandardCharsets.UTF_8)));

        var suite = junit.getDocumentElement();
        assertThat(suite.getAttribute("tests")).isEqualTo("6");
        assertThat(suite.getAttribute("failures")).isEqualTo("4");
        assertThat(suite.getAttribute("skipped")).isEqualTo("1");
        var cases = junit.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(6);
        var testsCase = (org.w3c.dom.Element) cases.item(0);
        assertThat(testsCase.getAttribute("classname")).isEqualTo("secure-delivery.gate.staging");
        assertThat(((org.w3c.dom.Element) testsCase.getElementsByTagName("failure").item(0)).getAttribute("message"))
                .isEqualTo("1 of 2 tests failed or ended in error");
        assertThat(testsCase.getTextContent()).contains("example.PriceTest.capsTheDiscountAtHalfThePrice").contains("PriceTest.java:15");
    }

    @Test
    void theJsonOutputCarriesEveryRuleFindingAndFile() throws Exception {
        Reports reports = GateFixtures.scan(dir, "trivy/alpine-39-high-critical.json");

        JsonNode json = new ObjectMapper().readTree(QualityGate.evaluate(GatePolicy.defaults(), "prod", reports, TODAY).toJson());

        assertThat(json.get("passed").asBoolean()).isFalse();
        assertThat(json.get("environment").asText()).isEqualTo("prod");
        JsonNode vulnerabilities = json.get("rules").get(2);
        assertThat(vulnerabilities.get("status").asText()).isEqualTo("FAIL");
        assertThat(vulnerabilities.get("findings")).hasSize(2);
        assertThat(vulnerabilities.get("findings").get(0).get("id").asText()).isEqualTo("CVE-2019-14697");
        assertThat(json.get("read").get(0).get("readAs").asText()).isEqualTo("Trivy JSON");
    }

    @Test
    void theGatesOwnJUnitVerdictInAReportsDirectoryIsNotReadAsTests() throws Exception {
        Reports first = GateFixtures.scan(dir, "surefire/TEST-example.PriceTest-passing.xml");
        Files.writeString(dir.resolve("gate-verdict.xml"), QualityGate.evaluate(GatePolicy.defaults(), null, first, TODAY).toJUnitXml());

        Reports again = Reports.scan(List.of(dir));

        assertThat(again.contents.testCount).isEqualTo(3);
        assertThat(again.ignored()).extracting(Reports.IgnoredFile::reason).containsExactly("a verdict written by this gate, not a test report");
    }
}
