package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jenkins.plugins.securedelivery.canary.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @Test
    void runsTheFlowOnACopyOfTheSampleApp(@TempDir Path dir) throws Exception {
        Path workspace = dir.resolve("ws");

        CommandLineRun run = CommandLineRun.of("demo", "--workspace", workspace.toString(), "--canary-metrics", "recorded");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("] SBOM").contains("valid against the CycloneDX 1.6 schema")
                .contains("] Verify").contains("PASSED verification of sha256:").contains("a stranger's key: FAILED, as it must")
                .contains("Quality gate PASSED").contains("line coverage 100% meets 80%")
                .contains("APPROVED prod: approved by alice, bob").contains("no self-approval: carol is the commit author")
                .contains("approval-prod.json verified: it approves this digest for prod")
                .contains("promoted 1 image(s) to prod").contains("prod already runs these images")
                .contains("canary     recorded: a run of a real Prometheus").contains("Canary analysis FAIL")
                .contains("critical metric success-rate failed").contains("(release 1.4.0 again)")
                .contains("change failure rate:   50.0%")
                .contains("PASSED verification of evidence bundle").contains("INTACT audit log")
                .containsPattern("== Done: \\d+ stage\\(s\\) passed");
        assertThat(run.out()).contains("pkg:golang/github.com/google/uuid@v1.6.0", "pkg:npm/chart.js@", "pkg:pypi/requests@2.32.3");
        assertThat(workspace.resolve("sample-app/web/package-lock.json")).isRegularFile();
        assertThat(Files.size(workspace.resolve("sbom.cdx.json"))).isPositive();
        assertThat(workspace.resolve("oci-layout/index.json")).isRegularFile();
        assertThat(workspace.resolve("keys/cosign.pub")).isRegularFile();
        assertThat(run.out()).doesNotContain(new String(DemoCommand.DEMO_PASSWORD));
    }

    @Test
    void judgesTheCanaryLiveWhenPrometheusIsInstalled(@TempDir Path dir) {
        assumeTrue(PrometheusServer.isInstalled(), "Debian's prometheus is not installed (./run-tests installs it)");

        CommandLineRun run = CommandLineRun.of("demo", "--workspace", dir.resolve("ws").toString(), "--canary-metrics", "live");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("canary     live: Prometheus on http://127.0.0.1:").contains("Canary analysis FAIL")
                .contains("critical metric success-rate failed").contains("(release 1.4.0 again)");
        assertThat(dir.resolve("ws/canary-verdict.json")).content().contains("\"outcome\" : \"FAIL\"");
    }

    @Test
    void refusesANonEmptyWorkspace(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "keep me");

        CommandLineRun run = CommandLineRun.of("demo", "--workspace", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("not empty");
        assertThat(Files.readString(dir.resolve("precious.txt"))).isEqualTo("keep me");
    }
}
