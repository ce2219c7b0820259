package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code canary analyze} in-process, under the real command line's error handling. The parent {@code canary} command
 * is wired elsewhere, so the test mounts {@code analyze} directly.
 */
class CanaryAnalyzeCommandTest {

    static final Path RESOURCES = Path.of("../demo/canary").toAbsolutePath();
    static final Path RECORDING = RESOURCES.resolve("bad-canary-recording.json");
    static final Path POLICY = RESOURCES.resolve("demo-policy.yaml");

    @TempDir
    Path temp;

    static CommandLineRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = SecureDelivery.commandLine().addSubcommand(new CanaryAnalyzeCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "analyze";
        System.arraycopy(args, 0, full, 1, args.length);
        return new CommandLineRun(commandLine.execute(full), out.toString(), err.toString());
    }

    static String nowhere() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void replaysTheRecordedBadCanaryAndFailsWithTheExplanationAsTextAndJson() throws Exception {
        Path json = temp.resolve("verdict.json");

        CommandLineRun run = run("--recording", RECORDING.toString(), "--policy", POLICY.toString(), "--json", json.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).startsWith("Canary analysis FAIL").contains("success-rate").contains("U=").contains("query: sum(rate(");
        assertThat(run.err()).contains("the canary failed: critical metric success-rate failed");
        JsonNode verdict = new ObjectMapper().readTree(Files.readString(json));
        assertThat(verdict.path("outcome").asText()).isEqualTo("FAIL");
        assertThat(verdict.path("metrics")).hasSize(3);
    }

    @Test
    void anUnreachablePrometheusIsInconclusiveWhichExitsOneAndIsNeverAPass() throws Exception {
        Path json = temp.resolve("verdict.json");

        CommandLineRun run = run("--prometheus", "http://" + nowhere(), "--policy", POLICY.toString(), "--window", "5m", "--json", json.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("Canary analysis INCONCLUSIVE");
        assertThat(run.err()).contains("inconclusive, which is not a pass").contains("could not connect to Prometheus");
        assertThat(Files.readString(json)).contains("\"outcome\" : \"INCONCLUSIVE\"");
    }

    @Test
    void variablesFillThePolicyAndAPasswordInTheUrlIsNeverPrinted() throws Exception {
        Path policy = temp.resolve("policy.yaml");
        Files.writeString(policy, """
                canary: 'namespace="{{namespace}}", track="canary"'
                baseline: 'namespace="{{namespace}}", track="stable"'
                """);

        CommandLineRun run = run("--prometheus", "http://ops:hunter2-pw@" + nowhere(), "--policy", policy.toString(), "--var", "namespace=shop");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("namespace=\"shop\", track=\"canary\"").contains("namespace=\"shop\", track=\"stable\"");
        assertThat(run.out() + run.err()).doesNotContain("hunter2-pw");
    }

    @Test
    void aPolicyWithAnUnknownFieldIsBadInputNamingFileAndField() throws Exception {
        Path policy = temp.resolve("typo.yaml");
        Files.writeString(policy, "canary: 'track=\"canary\"'\nbaseline: 'track=\"stable\"'\nminSampels: 5\n");

        CommandLineRun run = run("--recording", RECORDING.toString(), "--policy", policy.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(policy.toString()).contains("minSampels: is not a known field").contains("minSamples");
    }

    @Test
    void aMissingPolicyOrANonsenseWindowIsBadInput() {
        CommandLineRun missing = run("--recording", RECORDING.toString(), "--policy", "no-such-policy.yaml");
        CommandLineRun window = run("--prometheus", "http://127.0.0.1:9", "--policy", POLICY.toString(), "--window", "ten minutes");
        CommandLineRun both = run("--policy", POLICY.toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no-such-policy.yaml: no such file");
        assertThat(window.exitCode()).isEqualTo(2);
        assertThat(window.err()).contains("--window ten minutes: not a positive duration");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--prometheus").contains("--recording");
    }
}
