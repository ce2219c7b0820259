package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.commits;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.head;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pin;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pinning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackAndHistoryTest {

    static final String WORKER = "ghcr.io/org/medical-worker";

    @TempDir
    Path dir;
    private Path bare;

    @BeforeEach
    void seed() throws Exception {
        bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP, WORKER));
    }

    private static List<ImagePin> release(String word) {
        return List.of(pin(APP, word), pin(WORKER, word));
    }

    private PromotionResult promote(String env, String word) {
        return new Promotion().repository(bare.toString()).environment(env).images(release(word))
                .edit(pinning(release(word))).sourceCommit("src-" + word).workDirectory(dir.resolve("work")).call();
    }

    private Rollback rollback(String env) {
        return rollback(env, "https://ci.example.com/rollback/1");
    }

    private Rollback rollback(String env, String runUrl) {
        return new Rollback().repository(bare.toString()).environment(env).editor(GitOpsFixtures::pinning)
                .runUrl(runUrl).workDirectory(dir.resolve("work"));
    }

    private List<Deployment> history(String env) {
        return new DeploymentHistory().repository(bare.toString()).environment(env)
                .workDirectory(dir.resolve("work")).call();
    }

    @Test
    void historyListsAnEnvironmentsDeploymentsNewestFirstAndNoOtherEnvironments() throws Exception {
        String r1 = promote("prod", "r1").commit();
        promote("staging", "r2");
        String r2 = promote("prod", "r2").commit();

        List<Deployment> prod = history("prod");

        assertThat(prod).extracting(Deployment::commit).containsExactly(r2, r1);
        assertThat(prod).extracting(Deployment::images).containsExactly(release("r2"), release("r1"));
        assertThat(prod).extracting(Deployment::sourceCommit).containsExactly("src-r2", "src-r1");
        assertThat(prod).noneMatch(Deployment::isRollback);
        assertThat(history("staging")).hasSize(1);
        assertThat(history("dev")).isEmpty();
    }

    @Test
    void rollsBackToThePreviousReleaseInOneCommitNamingTheBadRelease() throws Exception {
        promote("prod", "r1");
        PromotionResult good = promote("prod", "r2");
        PromotionResult bad = promote("prod", "r3");

        PromotionResult rolledBack = rollback("prod").previous().call();

        assertThat(rolledBack.changed()).isTrue();
        assertThat(rolledBack.rollbackOf()).isEqualTo(bad.commit());
        assertThat(rolledBack.images()).isEqualTo(release("r2"));
        RevCommit commit = commits(bare).get(0);
        assertThat(commit.getShortMessage()).startsWith("Roll back prod to medical-platform and 1 more: ");
        assertThat(commit.getFooterLines(PromotionTrailers.ROLLBACK_OF)).containsExactly(bad.commit());

        List<Deployment> history = history("prod");
        assertThat(history).hasSize(4);
        Deployment latest = history.get(0);
        assertThat(latest.isRollback()).isTrue();
        assertThat(latest.rollbackOf()).isEqualTo(bad.commit());
        assertThat(latest.images()).isEqualTo(release("r2"));
        assertThat(latest.sourceCommit()).as("the restored release's source").isEqualTo("src-r2");
        assertThat(latest.runUrl()).isEqualTo("https://ci.example.com/rollback/1");
        assertThat(good.commit()).isEqualTo(history.get(2).commit());
    }

    @Test
    void rollingBackTwiceDoesNotBringTheBadReleaseBack() throws Exception {
        promote("prod", "r1");
        promote("prod", "r2");
        promote("prod", "r3");
        PromotionResult first = rollback("prod").previous().call();

        PromotionResult second = rollback("prod", "https://ci.example.com/rollback/2").previous().call();

        assertThat(second.images()).isEqualTo(release("r1"));
        assertThat(second.rollbackOf()).isEqualTo(first.commit());
    }

    @Test
    void aRunThatRollsBackAgainFindsItsOwnRollbackAndCommitsNothing() throws Exception {
        // given prod rolled back from r3 to r2 by a run (a canary watch, say, whose answer was lost in a restart)
        promote("prod", "r1");
        promote("prod", "r2");
        PromotionResult bad = promote("prod", "r3");
        PromotionResult first = rollback("prod").previous().call();
        var head = head(bare);

        // when the same run rolls prod back to its previous release again
        PromotionResult again = rollback("prod").previous().call();

        // then nothing is committed, prod stays on r2, and the result names the rollback already made
        assertThat(again.changed()).isFalse();
        assertThat(again.commit()).isEqualTo(first.commit());
        assertThat(again.rollbackOf()).isEqualTo(bad.commit());
        assertThat(again.images()).isEqualTo(release("r2"));
        assertThat(head(bare)).isEqualTo(head);
        assertThat(again.summary()).isEqualTo("prod was already rolled back by this run (replacing " + bad.commit().substring(0, 12)
                + ") in commit " + first.commit().substring(0, 12) + ": nothing to commit");
    }

    @Test
    void rollsBackToANamedDeploymentByAbbreviatedCommit() throws Exception {
        String r1 = promote("prod", "r1").commit();
        promote("prod", "r2");
        promote("prod", "r3");

        PromotionResult result = rollback("prod").to(r1.substring(0, 10)).call();

        assertThat(result.images()).isEqualTo(release("r1"));
        Path check = dir.resolve("check");
        GitOpsFixtures.run(dir, "git", "clone", "-q", bare.toString(), check.toString());
        assertThat(GitOpsFixtures.pinsIn(check.resolve("deploy/kustomize/overlays/prod"))).isEqualTo(release("r1"));
        assertThat(Files.readString(check.resolve("deploy/kustomize/overlays/prod/kustomization.yaml")))
                .startsWith("# prod overlay: image digests are written by the promotion pipeline\n");
    }

    @Test
    void readsHistoryAndRollsBackOverAuthenticatedHttpAndGitDaemon() throws Exception {
        String r1 = promote("prod", "r1").commit();
        String r2 = promote("prod", "r2").commit();
        Path served = bare.getParent();
        try (JGitHttpServer http = new JGitHttpServer(served); GitDaemon daemon = new GitDaemon(served)) {
            GitCredentials login = GitCredentials.token(JGitHttpServer.USER, JGitHttpServer.PASSWORD);

            List<Deployment> sinceLastYear = new DeploymentHistory().repository(http.url("gitops.git"))
                    .credentials(login).environment("prod").since(Instant.parse("2025-01-01T00:00:00Z"))
                    .workDirectory(dir.resolve("work")).call();
            PromotionResult rolledBack = new Rollback().repository(daemon.url("gitops.git")).environment("prod")
                    .previous().editor(GitOpsFixtures::pinning).workDirectory(dir.resolve("work")).call();

            assertThat(sinceLastYear).extracting(Deployment::commit).containsExactly(r2, r1);
            assertThat(rolledBack.rollbackOf()).isEqualTo(r2);
            assertThat(rolledBack.images()).isEqualTo(release("r1"));
        }
    }

    @Test
    void cannotRollBackWhatWasNeverDeployedOrToAnotherEnvironmentsCommit() throws Exception {
        String staging = promote("staging", "r1").commit();
        var before = head(bare);

        assertThatThrownBy(rollback("prod").previous()::call)
                .isInstanceOf(GitOpsException.class)
                .hasMessageContaining("no deployment of prod is recorded there");
        promote("prod", "r2");
        assertThatThrownBy(rollback("prod").previous()::call)
                .isInstanceOf(GitOpsException.class)
                .hasMessageContaining("prod has no earlier release with other images than the current one");
        assertThatThrownBy(rollback("prod").to(staging)::call)
                .isInstanceOf(GitOpsException.class)
                .hasMessageContaining("commit " + staging + " is not a deployment of prod");
        assertThat(commits(bare)).hasSize(3);
        assertThat(commits(bare).get(1).getId()).isEqualTo(before);
    }
}
