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
public record WatchSettings(Duration interval, int inconclusiveLimit, InconclusiveAction onInconclusive, Duration timeout,
        boolean fullPromotion) implements Serializable {

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

    /**
     * The settings a canary policy gives: its interval, its inconclusive action, and its inconclusive time limit as a
     * number of analyses in a row (a 10m limit at a 1m interval tolerates 10 inconclusive verdicts).
     */
    public static WatchSettings from(CanaryPolicy policy, Duration timeout, boolean fullPromotion) {
        return from(policy, null, timeout, fullPromotion);
    }

    /**
     * As {@link #from(CanaryPolicy, Duration, boolean)}, polling every {@code interval} instead of the policy's (null:
     * the policy's). The inconclusive limit stays the policy's time: a 10m limit polled every 30s tolerates 20 verdicts.
     */
    public static WatchSettings from(CanaryPolicy policy, Duration interval, Duration timeout, boolean fullPromotion) {
        Duration every = interval != null ? interval : policy.interval();
        int limit = (int) Math.min(Integer.MAX_VALUE, policy.inconclusiveLimit().toMillis() / Math.max(1, every.toMillis()));
        return new WatchSettings(every, limit, policy.onInconclusive(), timeout, fullPromotion);
    }

    /** One minute between polls, two inconclusive verdicts tolerated then fail, one hour at most, step promotion. */
    public static WatchSettings defaults() {
        return new WatchSettings(Duration.ofMinutes(1), 2, InconclusiveAction.FAIL, Duration.ofHours(1), false);
    }
}
