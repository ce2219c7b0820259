package io.jenkins.plugins.securedelivery.canary;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How a watch judges and how long it waits.
 *
 * @param interval          time between two polls; each poll that finds a canary in progress runs one analysis over
 *                          the last interval
 * @param inconclusiveLimit how many inconclusive verdicts in a row are tolerated; the next one ends the watch as
 *                          {@code onInconclusive} says
 * @param onInconclusive    what an inconclusive verdict beyond the limit does
 * @param timeout           the longest the whole watch may take, from its first poll
 * @param fullPromotion     on a passing verdict at an indefinite pause, promote the rollout fully (skipping the
 *                          remaining steps, as {@code kubectl argo rollouts promote --full}) instead of one step
 */
public record WatchSettings(Duration interval, int inconclusiveLimit, OnInconclusive onInconclusive, Duration timeout,
        boolean fullPromotion) implements Serializable {

    /** What to do when the analysis stays inconclusive beyond the limit. */
    public enum OnInconclusive {
        /** Treat it as a failure: abort the rollout and roll back in git. */
        FAIL,
        /** Hold the rollout where it is (Argo Rollouts: paused) and stop watching, for a person to decide. */
        PAUSE
    }

    public WatchSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(onInconclusive, "onInconclusive");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the poll interval " + interval + " is shorter than one second: give 1s or more");
        }
        if (inconclusiveLimit < 0) {
            throw new IllegalArgumentException("the inconclusive limit " + inconclusiveLimit + " is negative: give 0 or more");
        }
        if (timeout.compareTo(interval) < 0) {
            throw new IllegalArgumentException("the timeout " + timeout + " is shorter than the poll interval " + interval
                    + ": give a timeout of at least one interval");
        }
    }

    /** One minute between polls, two inconclusive verdicts tolerated then fail, one hour at most, step promotion. */
    public static WatchSettings defaults() {
        return new WatchSettings(Duration.ofMinutes(1), 2, OnInconclusive.FAIL, Duration.ofHours(1), false);
    }
}
