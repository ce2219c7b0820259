package io.jenkins.plugins.securedelivery.canary;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An analysis that answers the outcomes it is given, in order, and records what it was asked: the watch under test
 * takes its analysis as input, so the verdicts are the test's to choose. With no outcome left it answers
 * INCONCLUSIVE, as a real analysis does without data.
 */
final class Verdicts implements CanaryAnalysis {

    record Asked(AnalysisTarget target, Instant from, Instant to) {}

    private final Deque<Outcome> outcomes = new ArrayDeque<>();
    final List<Asked> asked = new ArrayList<>();

    Verdicts(Outcome... outcomes) {
        this.outcomes.addAll(List.of(outcomes));
    }

    @Override
    public synchronized CanaryVerdict analyze(AnalysisTarget target, Instant from, Instant to) {
        asked.add(new Asked(target, from, to));
        Outcome outcome = outcomes.isEmpty() ? Outcome.INCONCLUSIVE : outcomes.poll();
        return verdict(outcome, from, to);
    }

    static CanaryVerdict verdict(Outcome outcome, Instant from, Instant to) {
        String reason = switch (outcome) {
            case PASS -> "error rate 0.2% <= 1% and p95 latency 180ms <= 300ms";
            case FAIL -> "error rate 4.1% > 1% (critical metric failed)";
            case INCONCLUSIVE -> "no samples for the canary in the window";
        };
        MetricVerdict metric = new MetricVerdict("error-rate", 1, true, "sum(rate(http_requests_total{code=~\"5..\"}[1m]))",
                null, 12, 12, outcome == Outcome.FAIL ? 0.041 : 0.002, 0.002, "<= 0.01", null, null, null, outcome, reason);
        return new CanaryVerdict(outcome, outcome == Outcome.PASS ? 100 : 0, reason, from, to, List.of(metric));
    }
}
