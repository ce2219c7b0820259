package io.jenkins.plugins.securedelivery.canary;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.securedelivery.Durations;
import io.jenkins.plugins.securedelivery.canary.CanaryResult.Status;
import io.jenkins.plugins.securedelivery.canary.Observation.Stage;
import io.jenkins.plugins.securedelivery.gitops.PromotionResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Watches one progressive rollout to its end, judging its canary with a {@link CanaryAnalysis}: it promotes a
 * rollout waiting at a pause when a verdict passes, stops it when one fails (or the analysis stays inconclusive) and
 * then rolls the environment back in git; which neither Argo Rollouts nor Flagger does.
 *
 * <p>Waiting costs nothing: each {@link #poll(Instant)} reads the rollout once, runs at most one analysis, acts if
 * it must, and answers {@link PollResult.Done} or {@link PollResult.Again} with the state to keep. No thread waits
 * between polls; {@link #resume} goes on from a saved state, in another process if need be.
 *
 * <pre>{@code
 * CanaryWatch watch = CanaryWatch.start(KubernetesConnection.inCluster(),
 *         new CanaryResource(Controller.ARGO_ROLLOUTS, "platform-prod", "medical-platform"),
 *         analysis, WatchSettings.defaults(), GitRollback.of(gitopsUrl, "prod"));
 * PollResult step;
 * while ((step = watch.poll(Instant.now())) instanceof PollResult.Again again) {
 *     save(again.state());
 *     Thread.sleep(again.after().toMillis());
 * }
 * CanaryResult result = ((PollResult.Done) step).result();
 * }</pre>
 *
 * <b>Analysis target variables</b> (see {@link AnalysisTarget}): {@code namespace} and {@code name} of the resource;
 * for Argo Rollouts {@code canaryHash} ({@code status.currentPodHash}) and {@code stableHash}
 * ({@code status.stableRS}), the values of the {@code rollouts-pod-template-hash} label on each side's pods; for
 * Flagger {@code canaryWorkload} (the Canary's {@code spec.targetRef.name}) and {@code primaryWorkload}
 * ({@code <targetRef.name>-primary}).
 *
 * <p>A watch is polled by one thread at a time; many watches may share one {@link KubernetesConnection} and one
 * analysis (see {@link CanaryWatches}).
 */
public final class CanaryWatch {

    private final RolloutController controller;
    private final CanaryAnalysis analysis;
    private final WatchSettings settings;
    private final GitRollback rollback;
    private WatchState state;
    private CanaryResult result;

    CanaryWatch(RolloutController controller, WatchState state, CanaryAnalysis analysis, WatchSettings settings,
            GitRollback rollback) {
        this.controller = controller;
        this.state = Objects.requireNonNull(state, "state");
        this.analysis = Objects.requireNonNull(analysis, "analysis");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.rollback = rollback;
    }

    /**
     * A new watch; nothing is read before the first poll.
     *
     * @param rollback where to roll the environment back in git when the canary fails, or null to only stop the
     *                 rollout
     */
    public static CanaryWatch start(KubernetesConnection cluster, CanaryResource resource, CanaryAnalysis analysis,
            WatchSettings settings, GitRollback rollback) {
        return resume(WatchState.start(resource), cluster, analysis, settings, rollback);
    }

    /** Goes on with a watch from the state its last {@link PollResult.Again} gave. */
    public static CanaryWatch resume(WatchState state, KubernetesConnection cluster, CanaryAnalysis analysis,
            WatchSettings settings, GitRollback rollback) {
        CanaryResource resource = state.resource();
        RolloutController controller = switch (resource.controller()) {
            case ARGO_ROLLOUTS -> new ArgoRollout(cluster.client(), resource.namespace(), resource.name());
            case FLAGGER -> new FlaggerCanary(cluster.client(), resource.namespace(), resource.name());
        };
        return new CanaryWatch(controller, state, analysis, settings, rollback);
    }

    public CanaryResource resource() {
        return state.resource();
    }

    /** What to save to resume this watch. */
    public WatchState state() {
        return state;
    }

    /**
     * Reads the rollout, judges it if a canary runs, acts if a verdict says so. Never throws for what the cluster,
     * the analysis or git answer: those end in an explained {@link CanaryResult}. Once done, answers the same result.
     */
    public PollResult poll(Instant now) {
        if (result != null) {
            return new PollResult.Done(result);
        }
        if (state.startedAt() == null) {
            state = state.started(now);
        }
        Observation seen;
        try {
            seen = controller.observe();
        } catch (KubernetesClientException e) {
            return apiProblem(e, now);
        }
        state = state.observed(seen.summary());
        if (state.baselineRevision() == null) {
            state = state.baselined(seen.revision());
            if (seen.stage() == Stage.ABORTED) {
                return done(Status.CANNOT_WATCH, what() + " was already aborted before this watch began ("
                        + seen.failure() + "); nothing was rolled back: read the environment's history and roll back"
                        + " with `secure-delivery rollback --previous` if it still names this release", null, null, now);
            }
        }
        if (seen.stage() == Stage.GONE) {
            return done(Status.CANNOT_WATCH, what() + " is being deleted", null, null, now);
        }
        if (state.revision() == null) {
            return beforeCanary(seen, now);
        }
        if (!Objects.equals(seen.revision(), state.revision())) {
            return done(Status.SUPERSEDED, what() + " now rolls out revision " + seen.revision() + " instead of "
                    + state.revision() + " (its spec changed under the watch): the watched release was not judged"
                    + " to the end, and nothing was rolled back", null, null, now);
        }
        return duringCanary(seen, now);
    }

    /** No canary seen yet: one may start, or the release may already be through. */
    private PollResult beforeCanary(Observation seen, Instant now) {
        boolean newRevision = seen.revision() != null && !seen.revision().equals(state.baselineRevision());
        if (seen.stage().canaryRunning()) {
            state = state.canarySeen(seen.revision(), now);
            return again();
        }
        if (seen.stage() == Stage.ABORTED && newRevision) {
            state = state.canarySeen(seen.revision(), now);
            return fail(what() + " was aborted by its controller: " + seen.failure(), null, now, false);
        }
        if (seen.stage() == Stage.SETTLED && newRevision) {
            return done(Status.NOT_JUDGED, what() + " finished revision " + seen.revision() + " before any canary"
                    + " of it was seen: no analysis vouches for it (poll more often than the rollout's steps last)",
                    null, null, now);
        }
        if (timedOut(now)) {
            return done(Status.TIMED_OUT, "no canary of " + what() + " started within " + Durations.text(settings.timeout()) + " (last"
                    + " seen: " + seen.summary() + ")", null, null, now);
        }
        return again();
    }

    private PollResult duringCanary(Observation seen, Instant now) {
        switch (seen.stage()) {
            case ABORTED:
                return fail(what() + " was aborted by its controller: " + seen.failure(), null, now, false);
            case SETTLED: {
                SeenVerdict last = state.lastVerdict();
                if (last != null && last.outcome() == Outcome.PASS && state.fails() == 0) {
                    return done(Status.PROMOTED, what() + " made revision " + state.revision() + " stable after "
                            + state.passes() + " passing verdict(s)", null, null, now);
                }
                return done(Status.NOT_JUDGED, what() + " made revision " + state.revision() + " stable, but "
                        + (last == null ? "no analysis had run yet" : "the last verdict was " + last.outcome() + " ("
                        + last.reason() + ")") + ": nothing vouches for it; nothing was rolled back", null, null, now);
            }
            default:
                break;
        }
        if (timedOut(now)) {
            return done(Status.TIMED_OUT, what() + " did not finish within " + Durations.text(settings.timeout()) + "; it was left as it"
                    + " is (" + seen.summary() + "): promote or abort it by hand", null, null, now);
        }
        if (!seen.stage().analysed()) {
            return again();
        }
        Instant from = max(state.canarySince(), now.minus(settings.interval()));
        Instant lastTo = state.lastAnalysisTo();
        if (lastTo != null) {
            from = max(from, lastTo);
        }
        if (Duration.between(from, now).compareTo(Duration.ofSeconds(1)) < 0) {
            return again();
        }
        CanaryVerdict verdict = judge(seen, from, now);
        state = state.judged(SeenVerdict.of(verdict, from, now));
        switch (verdict.outcome()) {
            case FAIL:
                return fail("the canary analysis failed: " + verdict.reason(), verdict, now, true);
            case INCONCLUSIVE:
                if (state.inconclusiveInARow() <= settings.inconclusiveLimit()) {
                    return again();
                }
                String why = state.inconclusiveInARow() + " inconclusive verdicts in a row (limit "
                        + settings.inconclusiveLimit() + "): " + verdict.reason();
                if (settings.onInconclusive() == InconclusiveAction.FAIL) {
                    return fail(why, verdict, now, true);
                }
                return hold(why, seen, verdict, now);
            default:
                return passed(seen, from, verdict, now);
        }
    }

    private CanaryVerdict judge(Observation seen, Instant from, Instant to) {
        try {
            CanaryVerdict verdict = analysis.analyze(new AnalysisTarget(seen.variables()), from, to);
            if (verdict == null || verdict.outcome() == null) {
                return inconclusive("the analysis gave no verdict", from, to);
            }
            return verdict;
        } catch (RuntimeException e) {
            return inconclusive("the analysis could not run (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + ")", from, to);
        }
    }

    private static CanaryVerdict inconclusive(String reason, Instant from, Instant to) {
        return new CanaryVerdict(Outcome.INCONCLUSIVE, 0, reason, from, to, List.of());
    }

    /** A passing verdict promotes a rollout waiting at a pause, if the verdict's whole window lies in that pause. */
    private PollResult passed(Observation seen, Instant from, CanaryVerdict verdict, Instant now) {
        if (seen.stage() == Stage.AWAITING_PROMOTION && !seen.pausedSince().isAfter(from)) {
            try {
                state = state.observed(seen.summary() + "; " + controller.promote(settings.fullPromotion()));
            } catch (KubernetesClientException e) {
                return done(Status.CANNOT_WATCH, "the canary passed, but " + what() + " could not be promoted ("
                        + apiAnswer(e) + "): grant patch on rollouts/status, or promote it by hand", verdict, null, now);
            }
        }
        return again();
    }

    /** Stops the rollout and rolls the environment back in git. */
    private PollResult fail(String why, CanaryVerdict verdict, Instant now, boolean stopRollout) {
        String stopped = "";
        if (stopRollout) {
            try {
                stopped = "; " + controller.abort();
            } catch (KubernetesClientException e) {
                stopped = "; the rollout could not be aborted (" + apiAnswer(e) + ")";
            }
        }
        if (rollback == null) {
            return done(Status.ABORTED, why + stopped + "; no git rollback was asked for, so the GitOps repository still"
                    + " names the failed release: roll it back with `secure-delivery rollback --previous`", verdict,
                    null, now);
        }
        try {
            PromotionResult rolledBack = rollback.call();
            return done(Status.ROLLED_BACK, why + stopped + "; " + rolledBack.summary(), verdict,
                    rolledBack.commit(), now);
        } catch (RuntimeException e) {
            return done(Status.ABORTED, why + stopped + "; the git rollback of " + rollback.environment() + " failed: "
                    + e.getMessage(), verdict, null, now);
        }
    }

    private PollResult hold(String why, Observation seen, CanaryVerdict verdict, Instant now) {
        if (state.resource().controller() == CanaryResource.Controller.FLAGGER) {
            return done(Status.INCONCLUSIVE, why + "; " + controller.pause(), verdict, null, now);
        }
        try {
            String paused = seen.stage() == Stage.PAUSED_BY_HAND ? "left the rollout paused by hand as it is"
                    : controller.pause();
            return done(Status.PAUSED, why + "; " + paused, verdict, null, now);
        } catch (KubernetesClientException e) {
            return done(Status.INCONCLUSIVE, why + "; the rollout could not be paused (" + apiAnswer(e)
                    + "): it goes on under its controller", verdict, null, now);
        }
    }

    private PollResult apiProblem(KubernetesClientException e, Instant now) {
        CanaryResource r = state.resource();
        String kind = r.controller() == CanaryResource.Controller.ARGO_ROLLOUTS ? "rollouts.argoproj.io" : "canaries.flagger.app";
        switch (e.getCode()) {
            case 404:
                return done(Status.CANNOT_WATCH, state.revision() != null ? what() + " was deleted while its canary was"
                        + " watched" : "there is no " + kind + " named " + r.name() + " in namespace " + r.namespace()
                        + " (HTTP 404): check the name, the namespace and the kind (Argo Rollouts or Flagger)", null,
                        null, now);
            case 403:
                return done(Status.CANNOT_WATCH, "the Kubernetes API does not let this identity read " + kind + " in"
                        + " namespace " + r.namespace() + " (HTTP 403 Forbidden): grant it get on " + kind
                        + (r.controller() == CanaryResource.Controller.ARGO_ROLLOUTS ? " and analysisruns.argoproj.io,"
                        + " patch on rollouts and rollouts/status" : "") + " (see docs/canary-watching.md)", null, null, now);
            case 401:
                return done(Status.CANNOT_WATCH, "the Kubernetes API refused the credentials (HTTP 401 Unauthorized):"
                        + " renew the token or the kubeconfig's user", null, null, now);
            default:
                state = state.observed("the Kubernetes API could not be read (" + apiAnswer(e) + "); trying again");
                if (timedOut(now)) {
                    return done(Status.TIMED_OUT, "the Kubernetes API could not be read until the timeout of "
                            + Durations.text(settings.timeout()) + " (" + apiAnswer(e) + ")", null, null, now);
                }
                return again();
        }
    }

    private static String apiAnswer(KubernetesClientException e) {
        if (e.getCode() > 0) {
            return "HTTP " + e.getCode();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "");
    }

    private boolean timedOut(Instant now) {
        return !now.isBefore(state.startedAt().plus(settings.timeout()));
    }

    private PollResult again() {
        return new PollResult.Again(settings.interval(), state);
    }

    private PollResult done(Status status, String reason, CanaryVerdict decisive, String rollbackCommit, Instant now) {
        result = new CanaryResult(status, reason, state.resource(), state.revision(), state.verdicts(), decisive,
                rollbackCommit, now);
        return new PollResult.Done(result);
    }

    private String what() {
        return state.resource().display();
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
