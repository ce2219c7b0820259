package io.jenkins.plugins.securedelivery.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportParsingTest {

    @TempDir Path dir;

    @Test
    void readsSurefireReportsWithTheFailingTestAndItsSourceLine() throws Exception {
        Reports reports = GateFixtures.scan(dir, "surefire/TEST-example.PriceTest-failing.xml");

        assertThat(reports.read()).extracting(Reports.ReadFile::readAs).containsExactly("JUnit XML");
        assertThat(reports.contents.testCount).isEqualTo(2);
        assertThat(reports.contents.failedTests).singleElement().satisfies(failed -> {
            assertThat(failed.id()).isEqualTo("example.PriceTest.capsTheDiscountAtHalfThePrice");
            assertThat(failed.title()).isEqualTo("failure: expected: <40.0> but was: <50.0>");
            assertThat(failed.where()).isEqualTo("PriceTest.java:15");
        });
    }

    @Test
    void readsJestJunitAndGoJunitReportOutput() throws Exception {
        Reports reports = GateFixtures.scan(dir, "jest-junit/jest-junit.xml", "go-junit-report/001-report.xml", "go-junit-report/014-report.xml");

        assertThat(reports.contents.testCount).isEqualTo(3 + 5 + 2);
        assertThat(reports.contents.skippedCount).isEqualTo(2);
        assertThat(reports.contents.failedTests).extracting(Finding::id, Finding::where).containsExactlyInAnyOrder(
                tuple("caps the discount at half the price", "/tmp/gates-npm/src/price.test.js:12"),
                tuple("package/fail.TestOne", "fail_test.go:6"),
                tuple("package/panic.Failure", dir.resolve("go-junit-report-014-report.xml").toString()),
                tuple("package/panic2.Failure", dir.resolve("go-junit-report-014-report.xml").toString()));
        assertThat(reports.contents.failedTests).filteredOn(f -> f.id().startsWith("package/panic"))
                .allSatisfy(f -> assertThat(f.title()).isEqualTo("error: Runtime error"));
    }

    @Test
    void readsLineCoverageFromJacocoAndCobertura() throws Exception {
        Reports reports = GateFixtures.scan(dir, "jacoco/jacoco-failing-build.xml", "cobertura/c8-cobertura-coverage.xml");

        assertThat(reports.contents.coverage).extracting(CoverageReport::tool, CoverageReport::covered, CoverageReport::missed)
                .containsExactlyInAnyOrder(tuple("JaCoCo", 4L, 2L), tuple("Cobertura", 11L, 4L));
        CoverageReport jacoco = reports.contents.coverage.stream().filter(c -> c.tool().equals("JaCoCo")).findFirst().orElseThrow();
        assertThat(jacoco.files()).singleElement().satisfies(file -> {
            assertThat(file.path()).isEqualTo("example/Price.java");
            assertThat(file.uncoveredLines()).containsExactly(8, 17);
        });
        CoverageReport cobertura = reports.contents.coverage.stream().filter(c -> c.tool().equals("Cobertura")).findFirst().orElseThrow();
        assertThat(cobertura.files()).singleElement().satisfies(file -> assertThat(file.uncoveredLines()).containsExactly(3, 4, 10, 11));
    }

    @Test
    void readsTrivyJsonSarifAndCycloneDxVulnerabilitiesBySeverity() throws Exception {
        Reports reports = GateFixtures.scan(dir, "trivy/alpine-39-high-critical.json", "trivy/alpine-310.sarif", "cyclonedx/trivy-pom-cyclonedx.json");

        assertThat(reports.contents.vulnerabilities).extracting(Finding::id, Finding::severity, Finding::tool).containsExactlyInAnyOrder(
                tuple("CVE-2019-14697", "critical", "Trivy"),
                tuple("CVE-2019-14697", "critical", "Trivy"),
                tuple("CVE-2019-1549", "medium", "Trivy"),
                tuple("CVE-2019-1549", "medium", "Trivy"),
                tuple("CVE-2019-1551", "medium", "Trivy"),
                tuple("CVE-2019-1551", "medium", "Trivy"),
                tuple("CVE-2020-9548", "critical", "CycloneDX"),
                tuple("CVE-2021-20190", "high", "CycloneDX"));
        assertThat(reports.read()).extracting(Reports.ReadFile::readAs)
                .containsExactlyInAnyOrder("Trivy JSON", "SARIF 2.1.0 (Trivy)", "CycloneDX SBOM with vulnerabilities");
    }

    @Test
    void readsGitleaksJsonAndSarifWithoutTheSecrets() throws Exception {
        Reports reports = GateFixtures.scan(dir, "gitleaks/baseline.json", "gitleaks/sarif_simple.sarif", "gitleaks/json_simple.json");

        assertThat(reports.contents.secrets).extracting(Finding::id, Finding::where).containsExactlyInAnyOrder(
                tuple("pypi-upload-token", "detect/detect_test.go:32"),
                tuple("pypi-upload-token", "detect/detect_test.go:33"),
                tuple("test-rule", "auth.py:1"),
                tuple("test-rule", "auth.py:1"));
        assertThat(reports.contents.secrets.toString()).doesNotContain("a secret").doesNotContain("line containing secret").doesNotContain("johndoe");
    }

    @Test
    void takesTheSarifLevelFromTheRuleWhenTheResultHasNone() throws Exception {
        Reports reports = GateFixtures.scan(dir, "semgrep/semgrep.sarif");

        assertThat(reports.contents.sastResults).singleElement().satisfies(result -> {
            assertThat(result.id()).isEqualTo("rules.eqeq-is-bad");
            assertThat(result.severity()).isEqualTo("error");
            assertThat(result.where()).isEqualTo("targets/basic/stupid.py:3");
            assertThat(result.tool()).isEqualTo("Semgrep OSS");
        });
    }

    @Test
    void readsLicencesFromOurOwnSbom() throws Exception {
        Reports reports = GateFixtures.scan(dir, "cyclonedx/price-api.cdx.json");

        assertThat(reports.contents.components).extracting(LicensedComponent::purl, LicensedComponent::licenses).containsExactlyInAnyOrder(
                tuple("pkg:npm/ms@2.1.3", java.util.List.of("MIT")),
                tuple("pkg:npm/node-forge@1.3.1", java.util.List.of("(BSD-3-Clause OR GPL-2.0)")),
                tuple("pkg:npm/typescript@5.6.3", java.util.List.of("Apache-2.0")));
        assertThat(reports.contents.vulnerabilityReports).isEmpty();
    }

    @Test
    void recognisesReportsByContentNotByNameAndSaysWhatItIgnored() throws Exception {
        GateFixtures.reports(dir, "trivy/alpine-310.sarif");
        java.nio.file.Files.move(dir.resolve("trivy-alpine-310.sarif"), dir.resolve("scan-output.json"));
        java.nio.file.Files.writeString(dir.resolve("package.json"), "{\"name\": \"app\"}");
        java.nio.file.Files.writeString(dir.resolve("pom.xml"), "<project/>");
        java.nio.file.Files.writeString(dir.resolve("index.html"), "<html>");

        Reports reports = Reports.scan(java.util.List.of(dir));

        assertThat(reports.read()).extracting(Reports.ReadFile::readAs).containsExactly("SARIF 2.1.0 (Trivy)");
        assertThat(reports.ignored()).extracting(Reports.IgnoredFile::reason).containsExactlyInAnyOrder(
                "JSON that is not SARIF, Trivy, gitleaks or CycloneDX", "XML with root element <project>, not a report the gate reads");
        assertThat(reports.skippedByName()).isEqualTo(1);
    }
}
