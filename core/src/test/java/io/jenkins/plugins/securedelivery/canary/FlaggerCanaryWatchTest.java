package io.jenkins.plugins.securedelivery.canary;

import static io.jenkins.plugins.securedelivery.canary.Controllers.NAMESPACE;
import static io.jenkins.plugins.securedelivery.canary.Outcome.FAIL;
import static io.jenkins.plugins.securedelivery.canary.Outcome.INCONCLUSIVE;
import static io.jenkins.plugins.securedelivery.canary.Outcome.PASS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.jenkins.plugins.securedelivery.canary.CanaryResource.Controller;
import io.jenkins.plugins.securedelivery.canary.CanaryResult.Status;
import io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures;
import io.jenkins.plugins.securedelivery.gitops.ImagePin;
import io.jenkins.plugins.securedelivery.gitops.Promotion;
import io.jenkins.plugins.securedelivery.gitops.PromotionTrailers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watching a Flagger Canary (seed 004's campaign-service) on the mock API server: Flagger is only read, never written. */
@EnableKubernetesMockClient(crud = true)
class FlaggerCanaryWatchTest {

    static final String NAME = "campaign-service";
    static final String STABLE_SPEC = "5b9f7c6d";
    static final String NEW_SPEC = "74c8d9f5b";
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final Duration MINUTE = Duration.ofMinutes(1);

    KubernetesClient client;

    @TempDir
    Path dir;

    Controllers flagger;

    @BeforeEach
    void canary() {
        flagger = new Controllers(client);
        flagger.createFlaggerCanary(NAME);
    }

    private CanaryWatch watch(CanaryAnalysis analysis, InconclusiveAction onInconclusive, GitRollback rollback) {
        return CanaryWatch.start(KubernetesConnection.of(client), new CanaryResource(Controller.FLAGGER, NAMESPACE, NAME),
                analysis, new WatchSettings(MINUTE, 0, onInconclusive, Duration.ofHours(1), false), rollback);
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static CanaryResult done(PollResult poll) {
        assertThat(poll).isInstanceOf(PollResult.Done.class);
        return ((PollResult.Done) poll).result();
    }

    private static void again(PollResult poll) {
        assertThat(poll).isInstanceOf(PollResult.Again.class);
    }

    @Test
    void followsFlaggerThroughItsAnalysisAndPassesWhenItSucceeded() {
        Verdicts analysis = new Verdicts(PASS, PASS);
        CanaryWatch watch = watch(analysis, InconclusiveAction.FAIL, null);

        again(watch.poll(at(0)));
        flagger.flagger(NAME, "Progressing", 10, 0, NEW_SPEC, STABLE_SPEC, "New revision detected, progressing canary analysis.");
        again(watch.poll(at(1)));
        flagger.flagger(NAME, "Progressing", 20, 0, NEW_SPEC, STABLE_SPEC, "Advance campaign-service.blessed-horizon canary weight 20");
        again(watch.poll(at(2)));
        flagger.flagger(NAME, "Promoting", 0, 0, NEW_SPEC, STABLE_SPEC, "Canary analysis completed, starting primary rolling update.");
        again(watch.poll(at(3)));
        flagger.flagger(NAME, "Succeeded", 0, 0, NEW_SPEC, NEW_SPEC, "Canary analysis completed successfully, promotion finished.");
        CanaryResult result = done(watch.poll(at(4)));

        assertThat(result.status()).isEqualTo(Status.PROMOTED);
        assertThat(result.revision()).isEqualTo(NEW_SPEC);
        assertThat(analysis.asked).as("no analysis while Flagger promotes").hasSize(1);
        assertThat(analysis.asked.get(0).target().variables()).isEqualTo(Map.of("namespace", NAMESPACE, "name", NAME,
                "canaryWorkload", NAME, "primaryWorkload", NAME + "-primary"));
    }

    @Test
    void aFailingVerdictRollsBackInGitAndLeavesTheCanaryResourceUntouched() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(GitOpsFixtures.APP));
        promote(bare, "r1");
        String bad = promote(bare, "r2");
        CanaryWatch watch = watch(new Verdicts(FAIL), InconclusiveAction.FAIL, new GitRollback(bare.toString(), null, "prod",
                null, null, null, dir.resolve("work")));
        again(watch.poll(at(0)));
        flagger.flagger(NAME, "Progressing", 10, 0, NEW_SPEC, STABLE_SPEC, "New revision detected");
        again(watch.poll(at(1)));
        var before = flagger.canary(NAME);

        CanaryResult result = done(watch.poll(at(2)));

        assertThat(result.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(result.reason()).contains("Flagger has no abort on the Canary resource");
        assertThat(flagger.canary(NAME)).isEqualTo(before);
        assertThat(GitOpsFixtures.commits(bare).get(0).getFooterLines(PromotionTrailers.ROLLBACK_OF)).containsExactly(bad);
    }

    @Test
    void aCanaryFlaggerFailedIsRolledBackInGitEvenThoughFlaggerAlreadyRoutedTrafficBack() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(GitOpsFixtures.APP));
        promote(bare, "r1");
        String bad = promote(bare, "r2");
        CanaryWatch watch = watch(new Verdicts(PASS), InconclusiveAction.FAIL, new GitRollback(bare.toString(), null, "prod",
                null, null, null, dir.resolve("work")));
        again(watch.poll(at(0)));
        flagger.flagger(NAME, "Progressing", 10, 0, NEW_SPEC, STABLE_SPEC, "New revision detected");
        again(watch.poll(at(1)));

        flagger.flagger(NAME, "Failed", 0, 5, NEW_SPEC, STABLE_SPEC, "Canary analysis failed, Deployment scaled to zero.");
        CanaryResult result = done(watch.poll(at(2)));

        assertThat(result.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(result.reason()).contains("Flagger failed the canary after 5 failed checks: Canary analysis failed");
        assertThat(GitOpsFixtures.commits(bare).get(0).getFooterLines(PromotionTrailers.ROLLBACK_OF)).containsExactly(bad);
    }

    @Test
    void anInconclusiveAnalysisThatShouldPauseSaysFlaggerCannotBeHeldAndDoesNotPass() {
        CanaryWatch watch = watch(new Verdicts(INCONCLUSIVE), InconclusiveAction.PAUSE, null);
        again(watch.poll(at(0)));
        flagger.flagger(NAME, "Progressing", 10, 0, NEW_SPEC, STABLE_SPEC, "New revision detected");
        again(watch.poll(at(1)));

        CanaryResult result = done(watch.poll(at(2)));

        assertThat(result.status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(result.passed()).isFalse();
        assertThat(result.reason()).contains("Flagger cannot be held from outside");
    }

    private String promote(Path bare, String word) {
        List<ImagePin> release = List.of(GitOpsFixtures.pin(GitOpsFixtures.APP, word));
        return new Promotion().repository(bare.toString()).environment("prod").images(release)
                .edit(GitOpsFixtures.pinning(release)).workDirectory(dir.resolve("work")).call().commit();
    }
}
