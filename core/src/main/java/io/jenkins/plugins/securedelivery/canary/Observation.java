package io.jenkins.plugins.securedelivery.canary;

import java.time.Instant;
import java.util.Map;

/**
 * What one read of a Rollout or Canary showed, in the terms a watch decides on.
 *
 * @param stage          where the rollout is
 * @param revision       the revision being rolled out: Argo's {@code status.currentPodHash}, Flagger's
 *                       {@code status.lastAppliedSpec}
 * @param stableRevision the revision that serves when the canary is gone: Argo's {@code status.stableRS}, Flagger's
 *                       {@code status.lastPromotedSpec}
 * @param pausedSince    for {@link Stage#AWAITING_PROMOTION}, when the pause began; else null
 * @param summary        one line for people: phase, step, weight, analysis runs, message
 * @param variables      the analysis target's variables
 * @param failure        for {@link Stage#ABORTED}, why the controller stopped the rollout; else null
 */
record Observation(Stage stage, String revision, String stableRevision, Instant pausedSince, String summary,
        Map<String, String> variables, String failure) {

    enum Stage {
        /** Nothing is being rolled out: the stable revision runs alone. */
        SETTLED,
        /** The controller has not caught up with the resource yet, or is between two states: look again later. */
        UNSETTLED,
        /** A canary takes traffic and the controller moves it on by itself. */
        PROGRESSING,
        /** A canary takes traffic and waits at an indefinite pause (or an inconclusive analysis) to be promoted. */
        AWAITING_PROMOTION,
        /** A canary takes traffic and someone paused the rollout by hand: it is never promoted by a watch. */
        PAUSED_BY_HAND,
        /** The canary passed its controller's checks and is being made the stable revision. */
        FINISHING,
        /** The controller stopped the rollout and sent traffic back to the stable revision. */
        ABORTED,
        /** The resource is being deleted. */
        GONE;

        boolean canaryRunning() {
            return this == PROGRESSING || this == AWAITING_PROMOTION || this == PAUSED_BY_HAND || this == FINISHING;
        }

        boolean analysed() {
            return this == PROGRESSING || this == AWAITING_PROMOTION || this == PAUSED_BY_HAND;
        }
    }
}
