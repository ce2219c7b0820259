package io.jenkins.plugins.securedelivery.canary;

import java.time.Duration;
import java.time.Instant;

/**
 * Where Prometheus' answers come from: a live server, or a recording of one. Implementations are thread-safe. The
 * answer is returned raw (status and body) so that a recording replays exactly what the server said.
 */
interface MetricSource {

    /** One {@code /api/v1/query_range} call. */
    record RangeQuery(String query, Instant start, Instant end, Duration step) {}

    /** What the server answered: HTTP status and body. */
    record Answer(int status, String body) {}

    Answer rangeQuery(RangeQuery query) throws MetricQueryException;

    /** Where the answers come from, for explanations: a URL without credentials, or a recording's file name. */
    String describe();
}
