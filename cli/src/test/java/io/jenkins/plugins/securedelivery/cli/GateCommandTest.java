package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateCommandTest {

    /** Genuine tool outputs; core/src/test/resources/gates/README.md says where each comes from. */
    static final Path FIXTURES = Path.of("../core/src/test/resources/gates").toAbsolutePath().normalize();

    @TempDir Path dir;

    private Path reports(String... fixtures) throws Exception {
        Path reports = Files.createDirectories(dir.resolve("reports"));
        for (String fixture : fixtures) {
            Files.copy(FIXTURES.resolve(fixture), reports.resolve(Path.of(fixture).getFileName()));
        }
        return reports;
    }

    @Test
    void aFailedGateExitsWithOneExplainsEveryRuleAndWritesJsonAndJUnit() throws Exception {
        Path reports = reports("surefire/TEST-example.PriceTest-failing.xml", "jacoco/jacoco-failing-build.xml", "trivy/alpine-39-high-critical.json");
        Path json = dir.resolve("out/verdict.json");
        Path junit = dir.resolve("out/TEST-gate.xml");
        Files.createDirectories(json.getParent());

        CommandLineRun run = CommandLineRun.of("gate", "--reports", reports.toString(), "--env", "prod", "--json", json.toString(), "--junit", junit.toString(),
                "--today", "2026-11-24");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).startsWith("Quality gate FAILED for prod")
                .contains("FAIL        tests: 2 tests, 1 failed or in error")
                .contains("example.PriceTest.capsTheDiscountAtHalfThePrice: failure: expected: <40.0> but was: <50.0> at PriceTest.java:15")
                .contains("FAIL        coverage: 66.7% (4 of 6 lines) (threshold: at least 80% of lines)")
                .contains("[critical] CVE-2019-14697")
                .contains("licenses: no report").contains("fails closed")
                .contains("Read " + reports.resolve("alpine-39-high-critical.json") + " as Trivy JSON");
        JsonNode verdict = new ObjectMapper().readTree(json.toFile());
        assertThat(verdict.get("passed").asBoolean()).isFalse();
        assertThat(Files.readString(junit)).contains("<testsuite name=\"secure-delivery gate\" tests=\"6\" failures=\"6\"");
    }

    @Test
    void aPassingGateWithAWaiverExitsWithZero() throws Exception {
        Path reports = reports("surefire/TEST-example.PriceTest-passing.xml", "jacoco/jacoco-passing-build.xml", "trivy/alpine-310.sarif",
                "cyclonedx/price-api.cdx.json", "semgrep/semgrep.sarif");
        // gitleaks writes an empty list when it finds nothing
        Files.writeString(reports.resolve("gitleaks-report.json"), "[]");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                waivers:
                  - id: rules.eqeq-is-bad
                    reason: fixture code
                    owner: alice
                    expires: 2026-12-31
                """);

        CommandLineRun run = CommandLineRun.of("gate", "--policy", policy.toString(), "--reports", reports.toString(),
                "--json", dir.resolve("v.json").toString(), "--junit", dir.resolve("v.xml").toString(), "--today", "2026-12-01");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).startsWith("Quality gate PASSED").contains("waived: - [error] rules.eqeq-is-bad");
    }

    @Test
    void aWaiverWithABadDateExitsWithTwoAndNamesTheFieldAndNothingIsWritten() throws Exception {
        Path reports = reports("surefire/TEST-example.PriceTest-passing.xml");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "waivers:\n  - {id: CVE-1, reason: r, owner: o, expires: next week}\n");
        Path json = dir.resolve("v.json");

        CommandLineRun run = CommandLineRun.of("gate", "--policy", policy.toString(), "--reports", reports.toString(), "--json", json.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(policy + " field waivers[0].expires: is not a date (next week)");
        assertThat(json).doesNotExist();
    }

    @Test
    void aMalformedReportOrAMissingDirectoryExitsWithTwo() throws Exception {
        Path reports = Files.createDirectories(dir.resolve("reports"));
        Files.writeString(reports.resolve("results.sarif"), "{\"version\": \"2.1.0\", \"runs\": [");

        CommandLineRun malformed = CommandLineRun.of("gate", "--reports", reports.toString(), "--json", dir.resolve("v.json").toString());
        CommandLineRun missing = CommandLineRun.of("gate", "--reports", dir.resolve("nowhere").toString());

        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("results.sarif:1: not valid JSON");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nowhere: no such file or directory");
    }
}
