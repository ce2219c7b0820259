package io.jenkins.plugins.securedelivery.canary;

import static io.jenkins.plugins.securedelivery.canary.Controllers.NAMESPACE;
import static io.jenkins.plugins.securedelivery.canary.Controllers.STABLE;
import static io.jenkins.plugins.securedelivery.canary.Outcome.FAIL;
import static io.jenkins.plugins.securedelivery.canary.Outcome.INCONCLUSIVE;
import static io.jenkins.plugins.securedelivery.canary.Outcome.PASS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.BooleanNode;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
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
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watching an Argo Rollouts canary (seed 000: 10% - 50% - 100%) on the mock API server, with real git rollbacks. */
@EnableKubernetesMockClient(crud = true)
class ArgoRolloutWatchTest {

    static final String NAME = "medical-platform";
    static final String CANARY = "7f9c5d8e4";
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final Duration MINUTE = Duration.ofMinutes(1);

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    Controllers argo;

    @BeforeEach
    void rollout() {
        argo = new Controllers(client);
        argo.createRollout(NAME);
    }

    private CanaryWatch watch(CanaryAnalysis analysis, WatchSettings settings, GitRollback rollback) {
        return CanaryWatch.start(KubernetesConnection.of(client), new CanaryResource(Controller.ARGO_ROLLOUTS, NAMESPACE, NAME),
                analysis, settings, rollback);
    }

    private static WatchSettings settings(int inconclusiveLimit, InconclusiveAction onInconclusive) {
        return new WatchSettings(MINUTE, inconclusiveLimit, onInconclusive, Duration.ofHours(1), false);
    }

    private static Instant at(int minutes, int seconds) {
        return T0.plus(Duration.ofMinutes(minutes)).plusSeconds(seconds);
    }

    private static CanaryResult done(PollResult poll) {
        assertThat(poll).isInstanceOf(PollResult.Done.class);
        return ((PollResult.Done) poll).result();
    }

    private static WatchState again(PollResult poll) {
        assertThat(poll).isInstanceOf(PollResult.Again.class);
        assertThat(((PollResult.Again) poll).after()).isEqualTo(MINUTE);
        return ((PollResult.Again) poll).state();
    }

    /** A GitOps repository whose prod ran release r1, then r2: the release under canary. */
    private GitRollbackRepo gitops() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(GitOpsFixtures.APP));
        String r1 = promote(bare, "r1");
        String r2 = promote(bare, "r2");
        return new GitRollbackRepo(bare, r1, r2, new GitRollback(bare.toString(), null, "prod", null, null,
                "https://ci.example.com/job/canary/7", dir.resolve("work")));
    }

    record GitRollbackRepo(Path bare, String r1, String r2, GitRollback rollback) {}

    private String promote(Path bare, String word) {
        List<ImagePin> release = List.of(GitOpsFixtures.pin(GitOpsFixtures.APP, word));
        return new Promotion().repository(bare.toString()).environment("prod").images(release)
                .edit(GitOpsFixtures.pinning(release)).sourceCommit("src-" + word).workDirectory(dir.resolve("work"))
                .call().commit();
    }

    @Test
    void promotesEachIndefinitePauseOnAVerdictTakenInsideItAndPassesWhenTheCanaryBecomesStable() {
        Verdicts analysis = new Verdicts(PASS, PASS, PASS);
        CanaryWatch watch = watch(analysis, settings(1, InconclusiveAction.FAIL), null);

        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        WatchState seen = again(watch.poll(at(1, 0)));
        again(watch.poll(at(2, 0)));
        boolean firstPauseCleared = argo.rollout(NAME).at("/status/pauseConditions").isEmpty();
        argo.reconcile(NAME, at(2, 5));
        again(watch.poll(at(3, 0)));
        boolean pausedAt50AfterAWindowStartingBeforeIt = argo.rollout(NAME).at("/status/pauseConditions").size() == 1;
        again(watch.poll(at(4, 0)));
        argo.reconcile(NAME, at(4, 5));
        CanaryResult result = done(watch.poll(at(5, 0)));

        assertThat(seen.revision()).isEqualTo(CANARY);
        assertThat(seen.lastObserved()).contains("Paused, step 2/4, set weight 10%");
        assertThat(firstPauseCleared).as("promoted at 10%").isTrue();
        assertThat(pausedAt50AfterAWindowStartingBeforeIt).as("not promoted on a window begun at 10%").isTrue();
        assertThat(result.status()).isEqualTo(Status.PROMOTED);
        assertThat(result.passed()).isTrue();
        assertThat(result.revision()).isEqualTo(CANARY);
        assertThat(result.reason()).contains("made revision " + CANARY + " stable after 3 passing verdict(s)");
        assertThat(analysis.asked).hasSize(3);
        assertThat(analysis.asked.get(0).target().variables()).isEqualTo(Controllers.argoVariables(NAME, CANARY));
        assertThat(analysis.asked).extracting(Verdicts.Asked::from).containsExactly(at(1, 0), at(2, 0), at(3, 0));
        assertThat(analysis.asked).extracting(Verdicts.Asked::to).containsExactly(at(2, 0), at(3, 0), at(4, 0));
        assertThat(argo.rollout(NAME).at("/status/stableRS").asText()).isEqualTo(CANARY);
    }

    @Test
    void abortsAFailingCanaryAndRollsTheEnvironmentBackInOneGitCommit() throws Exception {
        GitRollbackRepo gitops = gitops();
        CanaryWatch watch = watch(new Verdicts(FAIL), settings(1, InconclusiveAction.FAIL), gitops.rollback());

        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(watch.poll(at(1, 0)));
        CanaryResult result = done(watch.poll(at(2, 0)));

        assertThat(argo.rollout(NAME).at("/status/abort").asBoolean()).as("status.abort patched").isTrue();
        assertThat(result.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(result.passed()).isFalse();
        assertThat(result.reason()).contains("the canary analysis failed: error rate 4.1% > 1%")
                .contains("aborted the rollout (status.abort=true)").contains("rolled back prod");
        RevCommit head = GitOpsFixtures.commits(gitops.bare()).get(0);
        assertThat(result.rollbackCommit()).isEqualTo(head.name());
        assertThat(head.getFooterLines(PromotionTrailers.ROLLBACK_OF)).containsExactly(gitops.r2());
        assertThat(head.getFooterLines("Run-URL")).containsExactly("https://ci.example.com/job/canary/7");
        assertThat(result.decisive().outcome()).isEqualTo(FAIL);
        assertThat(result.toJson()).contains("\"status\" : \"ROLLED_BACK\"").contains("\"rollbackCommit\" : \"" + head.name());
        assertThat(watch.poll(at(3, 0))).as("a finished watch answers the same").isEqualTo(new PollResult.Done(result));
    }

    @Test
    void waitsThroughInconclusiveVerdictsUpToTheLimitThenFails() {
        CanaryWatch watch = watch(new Verdicts(INCONCLUSIVE, INCONCLUSIVE, INCONCLUSIVE), settings(2, InconclusiveAction.FAIL), null);

        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(watch.poll(at(1, 0)));
        WatchState first = again(watch.poll(at(2, 0)));
        WatchState second = again(watch.poll(at(3, 0)));
        CanaryResult result = done(watch.poll(at(4, 0)));

        assertThat(first.inconclusiveInARow()).isEqualTo(1);
        assertThat(second.inconclusiveInARow()).isEqualTo(2);
        assertThat(argo.rollout(NAME).at("/status/pauseConditions").size()).as("never promoted").isEqualTo(1);
        assertThat(result.status()).isEqualTo(Status.ABORTED);
        assertThat(result.reason()).contains("3 inconclusive verdicts in a row (limit 2)")
                .contains("no git rollback was asked for");
        assertThat(argo.rollout(NAME).at("/status/abort").asBoolean()).isTrue();
    }

    @Test
    void pausesTheRolloutWhenTheAnalysisStaysInconclusiveAndThePolicySaysPause() {
        CanaryWatch watch = watch(new Verdicts(INCONCLUSIVE), settings(0, InconclusiveAction.PAUSE), null);

        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(watch.poll(at(1, 0)));
        CanaryResult result = done(watch.poll(at(2, 0)));

        assertThat(result.status()).isEqualTo(Status.PAUSED);
        assertThat(result.passed()).isFalse();
        assertThat(result.reason()).contains("paused the rollout (spec.paused=true)");
        assertThat(argo.rollout(NAME).at("/spec/paused").asBoolean()).isTrue();
        assertThat(argo.rollout(NAME).at("/status/abort").isMissingNode()).isTrue();
    }

    @Test
    void promotesFullyWhenAskedTo() {
        CanaryWatch watch = watch(new Verdicts(PASS), new WatchSettings(MINUTE, 0, InconclusiveAction.FAIL, Duration.ofHours(1), true), null);

        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(watch.poll(at(1, 0)));
        again(watch.poll(at(2, 0)));
        boolean promoteFull = argo.rollout(NAME).at("/status/promoteFull").asBoolean();
        argo.reconcile(NAME, at(2, 5));
        CanaryResult result = done(watch.poll(at(3, 0)));

        assertThat(promoteFull).isTrue();
        assertThat(result.status()).isEqualTo(Status.PROMOTED);
    }

    @Test
    void neverPromotesARolloutPausedByHandButStillStopsItWhenTheCanaryFails() {
        CanaryWatch watch = watch(new Verdicts(PASS, FAIL), settings(0, InconclusiveAction.FAIL), null);
        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        argo.set(Controllers.ROLLOUTS, NAME, "/spec/paused", BooleanNode.TRUE);
        again(watch.poll(at(1, 0)));

        WatchState afterPass = again(watch.poll(at(2, 0)));
        CanaryResult result = done(watch.poll(at(3, 0)));

        assertThat(afterPass.lastObserved()).contains("paused by hand");
        assertThat(result.status()).isEqualTo(Status.ABORTED);
        assertThat(argo.rollout(NAME).at("/status/abort").asBoolean()).isTrue();
    }

    @Test
    void aRolloutAbortedByItsOwnAnalysisRunIsRolledBackInGitWithTheMetricThatFailed() throws Exception {
        GitRollbackRepo gitops = gitops();
        CanaryWatch watch = watch(new Verdicts(PASS), settings(0, InconclusiveAction.FAIL), gitops.rollback());
        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(watch.poll(at(1, 0)));

        argo.failOwnAnalysis(NAME, NAME + "-" + CANARY + "-2", at(1, 30));
        CanaryResult result = done(watch.poll(at(2, 0)));

        assertThat(result.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(result.reason()).contains("was aborted by its controller: RolloutAborted: Rollout aborted update to revision 2")
                .contains("AnalysisRun " + NAME + "-" + CANARY + "-2 metric success-rate: Failed (0 successful, 3 failed");
        assertThat(GitOpsFixtures.commits(gitops.bare()).get(0).getFooterLines(PromotionTrailers.ROLLBACK_OF))
                .containsExactly(gitops.r2());
    }

    @Test
    void aRolloutThatDoesNotExistEndsTheWatchWithoutPassing() {
        CanaryWatch watch = CanaryWatch.start(KubernetesConnection.of(client),
                new CanaryResource(Controller.ARGO_ROLLOUTS, NAMESPACE, "no-such-app"), new Verdicts(PASS),
                settings(0, InconclusiveAction.FAIL), null);

        CanaryResult result = done(watch.poll(at(0, 0)));

        assertThat(result.status()).isEqualTo(Status.CANNOT_WATCH);
        assertThat(result.passed()).isFalse();
        assertThat(result.reason()).contains("there is no rollouts.argoproj.io named no-such-app in namespace platform-prod (HTTP 404)");
    }

    @Test
    void aForbiddenRolloutSaysWhichPermissionIsMissing() {
        server.expect().get().withPath("/apis/argoproj.io/v1alpha1/namespaces/" + NAMESPACE + "/rollouts/" + NAME)
                .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                        .withMessage("rollouts.argoproj.io \"" + NAME + "\" is forbidden: User \"system:serviceaccount:ci:jenkins\""
                                + " cannot get resource \"rollouts\" in API group \"argoproj.io\" in the namespace \"" + NAMESPACE + "\"")
                        .build())
                .always();
        CanaryWatch watch = watch(new Verdicts(PASS), settings(0, InconclusiveAction.FAIL), null);

        CanaryResult result = done(watch.poll(at(0, 0)));

        assertThat(result.status()).isEqualTo(Status.CANNOT_WATCH);
        assertThat(result.reason()).contains("HTTP 403 Forbidden").contains("grant it get on rollouts.argoproj.io");
    }

    @Test
    void aRolloutAlreadyAbortedIsNotWatchedAndNothingIsRolledBack() throws Exception {
        GitRollbackRepo gitops = gitops();
        argo.startCanary(NAME, CANARY, at(0, 0));
        argo.set(Controllers.ROLLOUTS, NAME, "/status/abort", BooleanNode.TRUE);
        argo.reconcile(NAME, at(0, 5));
        CanaryWatch watch = watch(new Verdicts(PASS), settings(0, InconclusiveAction.FAIL), gitops.rollback());

        CanaryResult result = done(watch.poll(at(1, 0)));

        assertThat(result.status()).isEqualTo(Status.CANNOT_WATCH);
        assertThat(result.reason()).contains("was already aborted before this watch began").contains("nothing was rolled back");
        assertThat(GitOpsFixtures.commits(gitops.bare()).get(0).name()).isEqualTo(gitops.r2());
    }

    @Test
    void aNewerRevisionReplacingTheWatchedCanaryEndsTheWatchWithoutPassing() {
        CanaryWatch watch = watch(new Verdicts(PASS, PASS), settings(0, InconclusiveAction.FAIL), null);
        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(watch.poll(at(1, 0)));

        argo.replaceCanary(NAME, "9a8b7c6d5", at(1, 30));
        CanaryResult result = done(watch.poll(at(2, 0)));

        assertThat(result.status()).isEqualTo(Status.SUPERSEDED);
        assertThat(result.reason()).contains("now rolls out revision 9a8b7c6d5 instead of " + CANARY);
        assertThat(argo.rollout(NAME).at("/status/abort").isMissingNode()).as("someone else's revision is left alone").isTrue();
    }

    @Test
    void timesOutWithoutPassingAndLeavesTheRolloutAsItIs() {
        CanaryWatch watch = watch(new Verdicts(), new WatchSettings(MINUTE, 10, InconclusiveAction.FAIL, Duration.ofMinutes(3), false), null);
        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(watch.poll(at(1, 0)));
        again(watch.poll(at(2, 0)));

        CanaryResult result = done(watch.poll(at(3, 0)));

        assertThat(result.status()).isEqualTo(Status.TIMED_OUT);
        assertThat(result.passed()).isFalse();
        assertThat(result.reason()).contains("did not finish within 3m").contains("Paused, step 2/4");
        assertThat(argo.rollout(NAME).at("/status/abort").isMissingNode()).isTrue();
    }

    @Test
    void aReleaseThatFinishesBeforeAnyVerdictIsNotJudged() {
        CanaryWatch watch = watch(new Verdicts(PASS), settings(0, InconclusiveAction.FAIL), null);
        again(watch.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(watch.poll(at(1, 0)));

        argo.set(Controllers.ROLLOUTS, NAME, "/status/promoteFull", BooleanNode.TRUE);
        argo.reconcile(NAME, at(1, 30));
        CanaryResult result = done(watch.poll(at(2, 0)));

        assertThat(result.status()).isEqualTo(Status.NOT_JUDGED);
        assertThat(result.passed()).isFalse();
        assertThat(result.reason()).contains("no analysis had run yet");
    }

    @Test
    void resumesFromItsSavedStateInANewWatchAsIfNothingHappened() throws Exception {
        Verdicts analysis = new Verdicts(PASS, PASS, PASS);
        CanaryWatch before = watch(analysis, settings(1, InconclusiveAction.FAIL), null);
        again(before.poll(at(0, 0)));
        argo.startCanary(NAME, CANARY, at(0, 10));
        again(before.poll(at(1, 0)));
        WatchState saved = WatchState.fromJson(again(before.poll(at(2, 0))).toJson());
        argo.reconcile(NAME, at(2, 5));

        CanaryWatch after = CanaryWatch.resume(saved, KubernetesConnection.of(client), analysis, settings(1, InconclusiveAction.FAIL), null);
        again(after.poll(at(3, 0)));
        again(after.poll(at(4, 0)));
        argo.reconcile(NAME, at(4, 5));
        CanaryResult result = done(after.poll(at(5, 0)));

        assertThat(result.status()).isEqualTo(Status.PROMOTED);
        assertThat(result.verdicts()).hasSize(3);
        assertThat(analysis.asked.get(1).from()).as("no window is judged twice").isEqualTo(at(2, 0));
    }

    @Test
    void anUnreachableApiIsRetriedUntilTheTimeoutAndNeverPasses() {
        server.expect().get().withPath("/apis/argoproj.io/v1alpha1/namespaces/" + NAMESPACE + "/rollouts/" + NAME)
                .andReturn(503, "etcd leader changed").always();
        // As KubernetesConnection builds its clients: no retries inside a poll, the watch polls again.
        KubernetesClient noRetries = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0).build()).build();
        CanaryWatch watch = CanaryWatch.start(KubernetesConnection.of(noRetries), new CanaryResource(Controller.ARGO_ROLLOUTS,
                NAMESPACE, NAME), new Verdicts(PASS), new WatchSettings(MINUTE, 0, InconclusiveAction.FAIL, Duration.ofMinutes(2), false), null);

        WatchState first = again(watch.poll(at(0, 0)));
        again(watch.poll(at(1, 0)));
        CanaryResult result = done(watch.poll(at(2, 0)));

        assertThat(first.lastObserved()).contains("the Kubernetes API could not be read (HTTP 503); trying again");
        assertThat(result.status()).isEqualTo(Status.TIMED_OUT);
        assertThat(result.reason()).contains("HTTP 503");
        noRetries.close();
    }

    @Test
    void theStateIsSmallSerializableAndRoundTripsAsJson() throws Exception {
        WatchState state = WatchState.start(new CanaryResource(Controller.ARGO_ROLLOUTS, NAMESPACE, NAME))
                .started(T0).baselined(STABLE).canarySeen(CANARY, at(1, 0)).observed("Paused, step 2/4, set weight 10%");
        for (int i = 0; i < 30; i++) {
            state = state.judged(SeenVerdict.of(Verdicts.verdict(i % 2 == 0 ? PASS : INCONCLUSIVE, at(i, 0), at(i + 1, 0)), at(i, 0), at(i + 1, 0)));
        }
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        WatchState read;
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            read = (WatchState) in.readObject();
        }

        assertThat(read).isEqualTo(state);
        assertThat(WatchState.fromJson(state.toJson())).isEqualTo(state);
        assertThat(state.verdicts()).hasSize(WatchState.MAX_VERDICTS);
        assertThat(bytes.size()).as("serialized bytes with a full verdict list").isLessThan(8_000);
        assertThat(state.toJson().length()).isLessThan(8_000);
    }
}
