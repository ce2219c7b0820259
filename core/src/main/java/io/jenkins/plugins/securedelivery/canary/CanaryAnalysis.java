package io.jenkins.plugins.securedelivery.canary;

import java.time.Instant;

/**
 * Judges a canary against its baseline over a time range. Metric trouble (Prometheus unreachable, NaN or empty
 * results, a query error) is never thrown and never a pass: it comes back as an INCONCLUSIVE or FAIL verdict that
 * says why. Implementations are thread-safe: one instance serves many watches.
 */
@FunctionalInterface
public interface CanaryAnalysis {
    CanaryVerdict analyze(AnalysisTarget target, Instant from, Instant to);
}
