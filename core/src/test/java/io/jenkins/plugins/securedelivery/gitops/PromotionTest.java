package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.commits;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.digest;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pin;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pinning;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionTest {

    static final String WORKER = "ghcr.io/org/medical-worker";

    @TempDir
    Path dir;

    private Promotion promotion(Path bare, String env, List<ImagePin> pins) {
        return new Promotion().repository(bare.toString()).environment(env).images(pins).edit(pinning(pins))
                .workDirectory(dir.resolve("work"));
    }

    @Test
    void promotesAllImagesOfAReleaseInOneCommitWithReadableSubjectAndTrailers() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP, WORKER));
        List<ImagePin> release = List.of(pin(APP, "r1"), pin(WORKER, "r1"));
        Instant sourceTime = Instant.parse("2026-11-24T01:00:00Z");

        PromotionResult result = promotion(bare, "prod", release)
                .sourceRepository("https://git.example.com/org/medical-platform").sourceCommit("0123456789abcdef")
                .sourceCommittedAt(sourceTime).runUrl("https://jenkins.example.com/job/mp/42/")
                .approvers(List.of("alice", "bob")).author("Release Bot", "release@example.com")
                .call();

        List<RevCommit> commits = commits(bare);
        assertThat(commits).hasSize(2);
        RevCommit commit = commits.get(0);
        assertThat(result.changed()).isTrue();
        assertThat(result.commit()).isEqualTo(commit.getName());
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(commit.getShortMessage())
                .isEqualTo("Promote medical-platform and 1 more to prod: " + digest("r1").substring(0, 19));
        assertThat(commit.getAuthorIdent().getEmailAddress()).isEqualTo("release@example.com");
        assertThat(commit.getFooterLines(PromotionTrailers.IMAGE))
                .containsExactly(release.get(0).toString(), release.get(1).toString());

        Deployment read = PromotionTrailers.read(commit).orElseThrow();
        assertThat(read).isEqualTo(new Deployment(commit.getName(), commit.getCommitterIdent().getWhenAsInstant(),
                "prod", release, "https://git.example.com/org/medical-platform", "0123456789abcdef", sourceTime,
                "https://jenkins.example.com/job/mp/42/", List.of("alice", "bob"), null));

        // Only the prod overlay changed, and both images in it.
        Path clone = dir.resolve("check");
        run(dir, "git", "clone", "-q", bare.toString(), clone.toString());
        assertThat(run(clone, "git", "show", "--name-only", "--format=", "HEAD").strip())
                .isEqualTo("deploy/kustomize/overlays/prod/kustomization.yaml");
        assertThat(GitOpsFixtures.pinsIn(clone.resolve("deploy/kustomize/overlays/prod"))).isEqualTo(release);
        assertThat(GitOpsFixtures.pinsIn(clone.resolve("deploy/kustomize/overlays/staging")))
                .containsExactly(pin(APP, "seed"), pin(WORKER, "seed"));
    }

    @Test
    void trailersParseBackWithCGitInterpretTrailers() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP, WORKER));
        List<ImagePin> release = List.of(pin(APP, "r1"), pin(WORKER, "r1"));
        promotion(bare, "staging", release).sourceCommit("abc123").runUrl("https://ci.example.com/run/7")
                .approvers(List.of("carol")).sourceCommittedAt(Instant.parse("2026-11-24T01:00:00Z")).call();

        String message = run(bare, "git", "log", "-1", "--format=%B", "main");
        Path messageFile = Files.writeString(dir.resolve("message.txt"), message);
        String parsed = run(dir, "git", "interpret-trailers", "--parse", messageFile.toString());

        assertThat(parsed.lines()).containsExactly(
                "Promote-Environment: staging",
                "Promote-Image: " + release.get(0),
                "Promote-Image: " + release.get(1),
                "Source-Commit: abc123",
                "Source-Committed-At: 2026-11-24T01:00:00Z",
                "Run-URL: https://ci.example.com/run/7",
                "Approved-By: carol");
        assertThat(run(bare, "git", "log", "-1", "--format=%(trailers:key=Promote-Image,valueonly)", "main").lines()
                .filter(l -> !l.isBlank()).map(ImagePin::parse)).containsExactlyElementsOf(release);
    }

    @Test
    void reappliesTheEditOnTopOfACommitSomeoneElsePushedFirst() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP, WORKER));
        List<ImagePin> ours = List.of(pin(APP, "ours"));
        List<ImagePin> theirs = List.of(pin(WORKER, "theirs"));
        AtomicInteger edits = new AtomicInteger();
        OverlayEdit racing = overlay -> {
            if (edits.incrementAndGet() == 1) {
                pushWithCGit(bare, theirs); // between our clone and our push, someone else pushes
            }
            return pinning(ours).apply(overlay);
        };

        PromotionResult result = promotion(bare, "prod", ours).edit(racing).call();

        assertThat(result.attempts()).isEqualTo(2);
        assertThat(edits).hasValue(2);
        List<RevCommit> commits = commits(bare);
        assertThat(commits).extracting(RevCommit::getShortMessage).startsWith(
                "Promote medical-platform to prod: " + digest("ours").substring(0, 19), "their promotion");
        Path check = dir.resolve("check");
        run(dir, "git", "clone", "-q", bare.toString(), check.toString());
        assertThat(GitOpsFixtures.pinsIn(check.resolve("deploy/kustomize/overlays/prod")))
                .containsExactly(ours.get(0), theirs.get(0));
    }

    private void pushWithCGit(Path bare, List<ImagePin> pins) throws java.io.IOException {
        try {
            Path other = dir.resolve("other");
            run(dir, "git", "clone", "-q", bare.toString(), other.toString());
            Path prod = other.resolve("deploy/kustomize/overlays/prod");
            Files.write(prod.resolve("kustomization.yaml"), pinning(pins).apply(prod).get("kustomization.yaml"));
            run(other, "git", "-c", "user.name=other", "-c", "user.email=other@example.com", "commit", "-qam",
                    "their promotion");
            run(other, "git", "push", "-q", "origin", "main");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while pushing with C git");
        }
    }

    @Test
    void promotingWhatTheOverlayAlreadyRunsIsANoOp() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP));
        List<ImagePin> release = List.of(pin(APP, "r1"));
        PromotionResult first = promotion(bare, "dev", release).call();

        PromotionResult again = promotion(bare, "dev", release).call();

        assertThat(again.changed()).isFalse();
        assertThat(again.commit()).isEqualTo(first.commit());
        assertThat(again.summary()).contains("already runs these images").contains("nothing to commit");
        assertThat(commits(bare)).hasSize(2);
    }

    @Test
    void promotesFromAnotherEnvironmentExactlyTheDigestsItRuns() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP, WORKER));
        List<ImagePin> staged = List.of(pin(APP, "r7"), pin(WORKER, "r6"));
        promotion(bare, "staging", staged).call();

        PromotionResult prod = new Promotion().repository(bare.toUri().toString()).environment("prod")
                .from("staging", GitOpsFixtures::pinsIn).editor(GitOpsFixtures::pinning)
                .workDirectory(dir.resolve("work")).call();

        assertThat(prod.images()).isEqualTo(staged);
        RevCommit head = commits(bare).get(0);
        assertThat(PromotionTrailers.read(head).orElseThrow().images()).isEqualTo(staged);
        assertThat(PromotionTrailers.read(head).orElseThrow().environment()).isEqualTo("prod");
    }

    @Test
    void signsCommitsWithAnSshKeyThatCGitVerifies() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP));
        Path key = dir.resolve("signing_key");
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "release@example.com", "-f", key.toString());
        Path allowedSigners = Files.writeString(dir.resolve("allowed_signers"),
                "release@example.com " + Files.readString(dir.resolve("signing_key.pub")));

        new Promotion().repository(bare.toString()).environment("prod").images(List.of(pin(APP, "r1")))
                .edit(pinning(List.of(pin(APP, "r1")))).author("Release Bot", "release@example.com")
                .signing(CommitSigning.sshKey(key)).workDirectory(dir.resolve("work")).call();

        String verified = run(bare, "git", "-c", "gpg.format=ssh", "-c",
                "gpg.ssh.allowedSignersFile=" + allowedSigners, "verify-commit", "-v", "main");
        assertThat(verified).contains("Good \"git\" signature for release@example.com");
    }
}
