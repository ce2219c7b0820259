package io.jenkins.plugins.securedelivery.canary;

import java.io.Serializable;
import java.time.Instant;

/** A verdict a watch took, as it is kept in the watch's state: the outcome, its window and its one-line reason. */
public record SeenVerdict(Outcome outcome, double score, Instant from, Instant to, String reason) implements Serializable {

    /** Reasons are cut to this length: the state is held per watch and must stay small. */
    static final int MAX_REASON = 240;

    /** The verdict as kept; the window asked for stands in when the analysis left its own out. */
    static SeenVerdict of(CanaryVerdict verdict, Instant from, Instant to) {
        String reason = verdict.reason() == null ? "" : verdict.reason();
        return new SeenVerdict(verdict.outcome(), verdict.score(), verdict.from() != null ? verdict.from() : from,
                verdict.to() != null ? verdict.to() : to,
                reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 3) + "..." : reason);
    }
}
