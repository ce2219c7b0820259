package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** promote, rollback, history and dora from the command line, on a bare repository holding the demo's GitOps layout. */
class GitOpsCommandsTest {

    static final Path GITOPS = Path.of("../demo/gitops").toAbsolutePath().normalize();
    static final String IMAGE = "ghcr.io/org/medical-platform";
    static final String ONE = "sha256:" + "1".repeat(64);
    static final String TWO = "sha256:" + "2".repeat(64);

    @TempDir
    Path temp;
    String repo;

    @BeforeEach
    void seed() throws Exception {
        Path work = temp.resolve("seed");
        DemoCommand.copyTree(GITOPS, work);
        DemoCommand.createGitopsRepository(work, temp.resolve("gitops.git"));
        repo = temp.resolve("gitops.git").toUri().toString();
    }

    private CommandLineRun promote(String env, String digest) {
        return CommandLineRun.of("promote", "--repo", repo, "--env", env, "--image", IMAGE + "=registry.example.com/org/app@" + digest,
                "--source-commit", "4f1b2c3d4e5f60718293a4b5c6d7e8f901234567", "--source-committed-at", "2026-11-24T00:00:00Z",
                "--approver", "alice");
    }

    @Test
    void promotesRollsBackAndReadsHistoryAndDoraFromTheRepository() {
        CommandLineRun first = promote("prod", ONE);
        CommandLineRun second = promote("prod", TWO);
        CommandLineRun again = promote("prod", TWO);
        CommandLineRun rollback = CommandLineRun.of("rollback", "--repo", repo, "--env", "prod", "--previous");
        CommandLineRun history = CommandLineRun.of("history", "--repo", repo, "--env", "prod", "--format", "json");
        CommandLineRun dora = CommandLineRun.of("dora", "--repo", repo, "--env", "prod", "--format", "prometheus");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().strip()).matches("[0-9a-f]{40}");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(again.err()).contains("nothing to commit");
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.err()).contains("rolled back prod (replacing " + second.out().strip().substring(0, 12) + ")");
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.out()).contains("\"rollbackOf\" : \"" + second.out().strip() + "\"").contains("\"approvers\" : [ \"alice\" ]");
        assertThat(dora.exitCode()).as(dora.err()).isZero();
        assertThat(dora.out()).contains("environment=\"prod\"");
    }

    @Test
    void aTagInsteadOfADigestIsRefusedBeforeAnythingIsCloned() {
        CommandLineRun run = CommandLineRun.of("promote", "--repo", repo, "--env", "dev", "--image", IMAGE + "=registry.example.com/org/app:1.4.0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--image").contains("sha256");
    }

    @Test
    void anUnknownEnvironmentAndAnUnknownImageAreBadInputAndCommitNothing() {
        CommandLineRun noEnv = promote("qa", ONE);
        CommandLineRun unknownImage = CommandLineRun.of("promote", "--repo", repo, "--env", "dev",
                "--image", "ghcr.io/org/other=registry.example.com/org/other@" + ONE);
        CommandLineRun history = CommandLineRun.of("history", "--repo", repo, "--env", "dev");

        assertThat(noEnv.exitCode()).isEqualTo(2);
        assertThat(noEnv.err()).contains("qa");
        assertThat(unknownImage.exitCode()).isEqualTo(2);
        assertThat(unknownImage.err()).contains("ghcr.io/org/other").contains("--add-missing");
        // and the overlay's file is named in the repository, not in the temporary checkout the command cloned it to
        assertThat(unknownImage.err()).contains(repo + " deploy/kustomize/overlays/dev/kustomization.yaml:").doesNotContain("/gitops-");
        assertThat(history.out()).contains("dev: no promotion recorded yet");
    }
}
