package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a watch needs to go on after a pause or a restart, and nothing more: it is held per watch (a Jenkins
 * controller may hold a thousand) and written to disk between polls, as Java serialization or JSON.
 *
 * @param resource           the rollout watched
 * @param startedAt          the first poll; the timeout counts from here (null before the first poll)
 * @param baselineRevision   the revision the first poll found, so a release that finishes unseen is noticed
 * @param revision           the canary revision under watch, once a canary was seen; else null
 * @param canarySince        when that canary was first seen; analysis windows never reach before it
 * @param passes             passing verdicts so far
 * @param fails              failing verdicts so far
 * @param inconclusiveInARow inconclusive verdicts since the last conclusive one
 * @param lastObserved       the last poll's one-line description of the rollout, for progress output
 * @param verdicts           the latest verdicts, oldest first, at most {@value #MAX_VERDICTS}
 */
public record WatchState(CanaryResource resource, Instant startedAt, String baselineRevision, String revision,
        Instant canarySince, int passes, int fails, int inconclusiveInARow, String lastObserved,
        List<SeenVerdict> verdicts) implements Serializable {

    public static final int MAX_VERDICTS = 20;
    static final int MAX_OBSERVED = 400;

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public WatchState {
        Objects.requireNonNull(resource, "resource");
        verdicts = List.copyOf(verdicts == null ? List.of() : verdicts);
    }

    /** The state of a watch that has not polled yet. */
    public static WatchState start(CanaryResource resource) {
        return new WatchState(resource, null, null, null, null, 0, 0, 0, null, List.of());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a state written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static WatchState fromJson(String json) {
        try {
            return JSON.readValue(json, WatchState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the saved canary watch state is not readable ("
                    + e.getOriginalMessage() + " at " + e.getLocation() + "): start a new watch", e);
        }
    }

    Instant lastAnalysisTo() {
        return verdicts.isEmpty() ? null : verdicts.get(verdicts.size() - 1).to();
    }

    SeenVerdict lastVerdict() {
        return verdicts.isEmpty() ? null : verdicts.get(verdicts.size() - 1);
    }

    WatchState started(Instant now) {
        return new WatchState(resource, now, baselineRevision, revision, canarySince, passes, fails,
                inconclusiveInARow, lastObserved, verdicts);
    }

    /** The revision the first read found; empty when the controller had not set one yet. */
    WatchState baselined(String baseline) {
        return new WatchState(resource, startedAt, baseline == null ? "" : baseline, revision, canarySince, passes,
                fails, inconclusiveInARow, lastObserved, verdicts);
    }

    WatchState canarySeen(String canaryRevision, Instant now) {
        return new WatchState(resource, startedAt, baselineRevision, canaryRevision, now, passes, fails,
                inconclusiveInARow, lastObserved, verdicts);
    }

    WatchState observed(String line) {
        String cut = line.length() > MAX_OBSERVED ? line.substring(0, MAX_OBSERVED - 3) + "..." : line;
        return new WatchState(resource, startedAt, baselineRevision, revision, canarySince, passes, fails,
                inconclusiveInARow, cut, verdicts);
    }

    WatchState judged(SeenVerdict verdict) {
        List<SeenVerdict> kept = new ArrayList<>(verdicts);
        kept.add(verdict);
        while (kept.size() > MAX_VERDICTS) {
            kept.remove(0);
        }
        return new WatchState(resource, startedAt, baselineRevision, revision, canarySince,
                passes + (verdict.outcome() == Outcome.PASS ? 1 : 0),
                fails + (verdict.outcome() == Outcome.FAIL ? 1 : 0),
                verdict.outcome() == Outcome.INCONCLUSIVE ? inconclusiveInARow + 1 : 0,
                lastObserved, kept);
    }
}
