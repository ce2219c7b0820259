package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed approval record lets exactly its release into its environment, and names the approvers in the commit. */
class ApprovedPromotionTest {

    static final String APPROVED = "sha256:" + "ab".repeat(32);
    static final String OTHER = "sha256:" + "cd".repeat(32);

    @TempDir
    Path temp;
    String repo;
    Path record;
    Path publicKey;

    @BeforeEach
    void approvedRecordAndRepository() throws Exception {
        Path work = temp.resolve("seed");
        DemoCommand.copyTree(GitOpsCommandsTest.GITOPS, work);
        DemoCommand.createGitopsRepository(work, temp.resolve("gitops.git"));
        repo = temp.resolve("gitops.git").toUri().toString();

        Path keys = Files.createDirectories(temp.resolve("keys"));
        KeyFiles.generate(keys, "cosign", PasswordSource.of("pw".toCharArray()));
        publicKey = keys.resolve("cosign.pub");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Path request = Files.writeString(temp.resolve("request.json"), "{\"environment\":\"prod\",\"images\":[\"registry.example.com/org/app@"
                + APPROVED + "\"],\"sourceCommit\":\"4f1b2c3d4e5f60718293a4b5c6d7e8f901234567\",\"commitAuthor\":\"carol\","
                + "\"startedBy\":\"dave\",\"ticket\":\"CHG-1234\",\"requestedAt\":\"" + now.minusSeconds(3600) + "\"}");
        Path decisions = Files.writeString(temp.resolve("decisions.json"), "[" + decision("alice", now.minusSeconds(3000)) + ","
                + decision("bob", now.minusSeconds(2400)) + "]");
        Files.writeString(temp.resolve("password"), "pw");
        record = temp.resolve("approval.json");
        CommandLineRun check = CommandLineRun.of("approval", "check", "--policy", ApprovalCommandsTest.POLICY.toString(), "--env", "prod",
                "--request", request.toString(), "--decisions", decisions.toString(), "--now", now.toString(),
                "--sign-key", keys.resolve("cosign.key").toString(), "--password-file", temp.resolve("password").toString(),
                "--out", record.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
    }

    private static String decision(String approver, Instant at) {
        return "{\"approver\":\"" + approver + "\",\"groups\":[\"cab\"],\"verdict\":\"approve\",\"decidedAt\":\"" + at + "\"}";
    }

    private CommandLineRun promote(String env, String digest) {
        return CommandLineRun.of("promote", "--repo", repo, "--env", env,
                "--image", GitOpsCommandsTest.IMAGE + "=registry.example.com/org/app@" + digest,
                "--approval", record.toString(), "--approval-key", publicKey.toString());
    }

    @Test
    void theApprovedReleaseIsPromotedWithItsApproversInTheTrailers() throws Exception {
        CommandLineRun run = promote("prod", APPROVED);

        assertThat(run.exitCode()).as(run.err()).isZero();
        try (Git git = Git.open(temp.resolve("gitops.git").toFile())) {
            RevCommit head = git.log().setMaxCount(1).call().iterator().next();
            assertThat(head.getFullMessage()).contains("Approved-By: alice").contains("Approved-By: bob");
        }
    }

    @Test
    void anotherDigestOrAnotherEnvironmentIsRefusedAndNothingIsCommitted() throws Exception {
        String before = head();

        CommandLineRun otherDigest = promote("prod", OTHER);
        CommandLineRun otherEnvironment = promote("staging", APPROVED);

        assertThat(otherDigest.exitCode()).isEqualTo(2);
        assertThat(otherDigest.err()).contains(record.toString()).contains("does not approve " + OTHER);
        assertThat(otherEnvironment.exitCode()).isEqualTo(2);
        assertThat(otherEnvironment.err()).contains("approves a release for prod, not for staging");
        assertThat(head()).isEqualTo(before);
    }

    @Test
    void aRecordIsNeverTrustedWithoutItsKey() {
        CommandLineRun run = CommandLineRun.of("promote", "--repo", repo, "--env", "prod",
                "--image", GitOpsCommandsTest.IMAGE + "=registry.example.com/org/app@" + APPROVED, "--approval", record.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Add --approval-key FILE");
    }

    private String head() throws Exception {
        try (Git git = Git.open(temp.resolve("gitops.git").toFile())) {
            return git.getRepository().resolve("main").getName();
        }
    }
}
