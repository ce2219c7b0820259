package io.jenkins.plugins.securedelivery.canary;

/**
 * A query that gave no usable answer. The message says what happened in plain words and never contains credentials.
 * Whether the analysis may wait for better luck depends on the {@link Kind}.
 */
final class MetricQueryException extends Exception {

    enum Kind {
        /** Nothing listens there, or the connection broke: may recover. */
        UNREACHABLE(true),
        /** No answer in time: may recover. */
        TIMEOUT(true),
        /** Prometheus answered 5xx (overloaded, shutting down, query timed out inside): may recover. */
        UNAVAILABLE(true),
        /** Prometheus rejected the query (bad PromQL, 400/422): the policy must change. */
        REJECTED(false),
        /** The credentials were refused (401/403): the configuration must change. */
        UNAUTHORIZED(false),
        /** The answer is not the Prometheus API's (wrong URL, a proxy's page, a recording without this query). */
        MALFORMED(false);

        private final boolean recoverable;

        Kind(boolean recoverable) {
            this.recoverable = recoverable;
        }

        /** Waiting may help; otherwise a person must fix something. */
        boolean isRecoverable() {
            return recoverable;
        }
    }

    private final Kind kind;

    MetricQueryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
