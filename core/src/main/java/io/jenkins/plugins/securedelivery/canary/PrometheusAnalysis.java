package io.jenkins.plugins.securedelivery.canary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Judges a canary from Prometheus metrics, in the spirit of Kayenta's judge: each metric's canary samples are checked
 * against its fixed threshold and compared with the baseline's samples by a one-sided Mann-Whitney U test; passing
 * metrics' weights make a score; critical metrics veto. Too little traffic or missing data is INCONCLUSIVE; a query
 * Prometheus rejects, refused credentials or a broken answer is FAIL; neither is ever a pass. Immutable and
 * thread-safe: one instance serves many watches.
 */
public final class PrometheusAnalysis implements CanaryAnalysis {

    static final String TRAFFIC = "traffic";

    private final CanaryPolicy policy;
    private final MetricSource source;

    /** Analyses against a live Prometheus. */
    public PrometheusAnalysis(CanaryPolicy policy, PrometheusEndpoint prometheus) {
        this(policy, new LivePrometheus(prometheus));
    }

    /** Analyses a recorded run, with no Prometheus. */
    public PrometheusAnalysis(CanaryPolicy policy, MetricRecording recording) {
        this(policy, (MetricSource) recording);
    }

    PrometheusAnalysis(CanaryPolicy policy, MetricSource source) {
        this.policy = policy;
        this.source = source;
    }

    @Override
    public CanaryVerdict analyze(AnalysisTarget target, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("an analysis needs a start before its end, not " + from + " .. " + to);
        }
        Map<String, String> canaryVariables;
        Map<String, String> baselineVariables;
        try {
            canaryVariables = queryVariables(target, "canary", policy.canarySelector(), from, to);
            baselineVariables = queryVariables(target, "baseline", policy.baselineSelector(), from, to);
        } catch (PolicyTemplateException e) {
            return new CanaryVerdict(Outcome.FAIL, 0, e.getMessage(), from, to, List.of());
        }
        List<Judged> judged = new ArrayList<>();
        try {
            judged.add(traffic(canaryVariables, baselineVariables, to));
            for (PolicyMetric metric : policy.metrics()) {
                judged.add(metric(metric, canaryVariables, baselineVariables, from, to));
            }
        } catch (PolicyTemplateException e) {
            return new CanaryVerdict(Outcome.FAIL, 0, e.getMessage(), from, to, judged.stream().map(Judged::verdict).toList());
        }
        return combine(judged, from, to);
    }

    /** A metric's verdict, and whether it failed because the analysis itself could not be done. */
    private record Judged(MetricVerdict verdict, boolean broken) {}

    /** A template of the policy names a variable the target does not give. */
    private static final class PolicyTemplateException extends Exception {
        PolicyTemplateException(String message) {
            super(message);
        }
    }

    private Map<String, String> queryVariables(AnalysisTarget target, String side, String selectorTemplate, Instant from, Instant to)
            throws PolicyTemplateException {
        Map<String, String> variables = new HashMap<>(target.variables());
        variables.put("selector", fill(selectorTemplate, target.variables(), side));
        variables.put("window", CanaryPolicy.promql(policy.rateWindow()));
        variables.put("range", CanaryPolicy.promql(Duration.ofSeconds(Math.max(1, Duration.between(from, to).toSeconds()))));
        return variables;
    }

    private String fill(String template, Map<String, String> variables, String field) throws PolicyTemplateException {
        try {
            return Templates.fill(template, variables);
        } catch (Templates.UnknownVariable e) {
            throw new PolicyTemplateException("policy " + policy.source() + ": " + field + ": " + e.getMessage()
                    + "; give it with the analysis target (--var " + e.variable() + "=...) or remove it from the policy");
        }
    }

    private Judged traffic(Map<String, String> canaryVariables, Map<String, String> baselineVariables, Instant to) throws PolicyTemplateException {
        String canaryQuery = fill(policy.traffic(), canaryVariables, TRAFFIC);
        String baselineQuery = fill(policy.traffic(), baselineVariables, TRAFFIC);
        String threshold = ">= " + policy.minRequests() + " requests each";
        Fetched canary = fetch(canaryQuery, to, to);
        Fetched baseline = fetch(baselineQuery, to, to);
        Double canaryRequests = canary.requests();
        Double baselineRequests = baseline.requests();
        Outcome outcome;
        String reason;
        boolean broken = false;
        if (canary.error != null || baseline.error != null) {
            MetricQueryException error = canary.error != null ? canary.error : baseline.error;
            broken = !error.kind().isRecoverable();
            outcome = broken ? Outcome.FAIL : Outcome.INCONCLUSIVE;
            reason = "could not count requests: " + error.getMessage();
        } else if (canaryRequests == null || baselineRequests == null) {
            outcome = Outcome.INCONCLUSIVE;
            reason = "too little traffic: no requests were found for the " + (canaryRequests == null ? "canary" : "baseline")
                    + " (no series matched its selector, or only NaN); the metrics cannot be trusted yet";
        } else if (canaryRequests < policy.minRequests() || baselineRequests < policy.minRequests()) {
            outcome = Outcome.INCONCLUSIVE;
            reason = String.format(Locale.ROOT, "too little traffic: canary %.0f requests, baseline %.0f, at least %d each are needed;"
                    + " wait for more traffic", canaryRequests, baselineRequests, policy.minRequests());
        } else {
            outcome = Outcome.PASS;
            reason = String.format(Locale.ROOT, "enough traffic: canary %.0f requests, baseline %.0f", canaryRequests, baselineRequests);
        }
        return new Judged(new MetricVerdict(TRAFFIC, 0, false, canaryQuery, baselineQuery, canary.samples.length, baseline.samples.length,
                canaryRequests, baselineRequests, threshold, null, null, null, outcome, reason), broken);
    }

    private Judged metric(PolicyMetric metric, Map<String, String> canaryVariables, Map<String, String> baselineVariables, Instant from, Instant to)
            throws PolicyTemplateException {
        String field = "metric " + metric.name();
        String canaryQuery = fill(metric.query(), canaryVariables, field);
        String baselineQuery = metric.compare() ? fill(metric.query(), baselineVariables, field) : null;
        Fetched canary = fetch(canaryQuery, from, to);
        Fetched baseline = metric.compare() ? fetch(baselineQuery, from, to) : Fetched.NOT_ASKED;
        Double canaryMean = canary.mean();
        Double baselineMean = baseline.mean();

        Outcome outcome;
        String reason;
        boolean broken = false;
        Double statistic = null;
        Double pValue = null;
        Double effect = null;
        MetricQueryException error = canary.error != null ? canary.error : baseline.error;
        if (error != null) {
            broken = !error.kind().isRecoverable();
            outcome = broken ? Outcome.FAIL : Outcome.INCONCLUSIVE;
            reason = (broken ? "cannot be judged: " : "no data yet: ") + error.getMessage();
        } else if (canary.samples.length < policy.minSamples() || (metric.compare() && baseline.samples.length < policy.minSamples())) {
            outcome = Outcome.INCONCLUSIVE;
            reason = "too few samples: canary " + canary.describe() + (metric.compare() ? ", baseline " + baseline.describe() : "")
                    + "; at least " + policy.minSamples() + " are needed";
        } else {
            List<String> failures = new ArrayList<>();
            List<String> passes = new ArrayList<>();
            if (metric.min() != null || metric.max() != null) {
                boolean below = metric.min() != null && canaryMean < metric.min();
                boolean above = metric.max() != null && canaryMean > metric.max();
                String mean = "canary mean " + number(canaryMean);
                if (below) {
                    failures.add(mean + " is below the minimum " + number(metric.min()));
                } else if (above) {
                    failures.add(mean + " is above the maximum " + number(metric.max()));
                } else {
                    passes.add(mean + " is within " + metric.threshold());
                }
            }
            if (metric.compare()) {
                RankComparison c = RankComparison.of(canary.samples, baseline.samples, metric.direction());
                statistic = c.u();
                pValue = c.pValue();
                effect = c.effectSize();
                String worse = metric.direction() == Direction.INCREASE_IS_BAD ? "higher" : "lower";
                String numbers = String.format(Locale.ROOT, "p=%s %s alpha %s, effect %s", number(c.pValue()),
                        c.pValue() < policy.alpha() ? "<" : ">=", number(policy.alpha()), number(c.effectSize()));
                if (c.pValue() < policy.alpha() && c.harm(metric.direction()) >= policy.minEffectSize()) {
                    failures.add("canary is significantly " + worse + " than baseline (" + numbers + ", at least "
                            + number(policy.minEffectSize()) + " counts)");
                } else if (c.pValue() < policy.alpha()) {
                    passes.add("canary is " + worse + " than baseline but by too small an effect to count (" + numbers
                            + " below " + number(policy.minEffectSize()) + ")");
                } else {
                    passes.add("canary is not significantly " + worse + " than baseline (" + numbers + ")");
                }
            }
            outcome = failures.isEmpty() ? Outcome.PASS : Outcome.FAIL;
            reason = String.join("; ", failures.isEmpty() ? passes : failures);
        }
        return new Judged(new MetricVerdict(metric.name(), metric.weight(), metric.critical(), canaryQuery, baselineQuery,
                canary.samples.length, baseline.samples.length, canaryMean, baselineMean, metric.threshold(), statistic, pValue, effect,
                outcome, reason), broken);
    }

    private CanaryVerdict combine(List<Judged> judged, Instant from, Instant to) {
        List<MetricVerdict> verdicts = judged.stream().map(Judged::verdict).toList();
        List<MetricVerdict> metrics = verdicts.stream().filter(v -> !v.name().equals(TRAFFIC)).toList();
        double total = metrics.stream().mapToDouble(MetricVerdict::weight).sum();
        double passed = metrics.stream().filter(v -> v.outcome() == Outcome.PASS).mapToDouble(MetricVerdict::weight).sum();
        double score = total == 0 ? 0 : 100 * passed / total;
        MetricVerdict traffic = verdicts.get(0);

        List<MetricVerdict> broken = judged.stream().filter(Judged::broken).map(Judged::verdict).toList();
        List<MetricVerdict> criticalFailures = metrics.stream().filter(v -> v.critical() && v.outcome() == Outcome.FAIL).toList();
        List<MetricVerdict> inconclusive = metrics.stream().filter(v -> v.outcome() == Outcome.INCONCLUSIVE).toList();
        Outcome outcome;
        String reason;
        if (!broken.isEmpty()) {
            outcome = Outcome.FAIL;
            reason = "the analysis could not be done (" + names(broken) + "): " + broken.get(0).reason();
        } else if (traffic.outcome() != Outcome.PASS) {
            outcome = Outcome.INCONCLUSIVE;
            reason = traffic.reason();
        } else if (!criticalFailures.isEmpty()) {
            outcome = Outcome.FAIL;
            reason = "critical metric " + names(criticalFailures) + " failed: " + criticalFailures.get(0).reason();
        } else if (!inconclusive.isEmpty()) {
            outcome = Outcome.INCONCLUSIVE;
            reason = "no verdict yet for " + names(inconclusive) + ": " + inconclusive.get(0).reason();
        } else if (score >= policy.passScore()) {
            outcome = Outcome.PASS;
            reason = String.format(Locale.ROOT, "score %.0f reaches the pass score %s", score, number(policy.passScore()));
        } else if (score < policy.marginalScore()) {
            outcome = Outcome.FAIL;
            reason = String.format(Locale.ROOT, "score %.0f is below the marginal score %s (failed: %s)", score, number(policy.marginalScore()),
                    names(metrics.stream().filter(v -> v.outcome() == Outcome.FAIL).toList()));
        } else {
            outcome = Outcome.INCONCLUSIVE;
            reason = String.format(Locale.ROOT, "score %.0f is marginal (between %s and %s); wait for more data (failed: %s)", score,
                    number(policy.marginalScore()), number(policy.passScore()),
                    names(metrics.stream().filter(v -> v.outcome() == Outcome.FAIL).toList()));
        }
        return new CanaryVerdict(outcome, score, reason + " [" + source.describe() + "]", from, to, verdicts);
    }

    private static String names(List<MetricVerdict> verdicts) {
        return verdicts.stream().map(MetricVerdict::name).collect(Collectors.joining(", "));
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
    }

    /** The usable (finite) values of a query's answer, pooled over its series, or why there are none. */
    private record Fetched(double[] samples, int series, int dropped, MetricQueryException error) {
        static final Fetched NOT_ASKED = new Fetched(new double[0], 0, 0, null);

        Double mean() {
            if (samples.length == 0) {
                return null;
            }
            double sum = 0;
            for (double v : samples) {
                sum += v;
            }
            return sum / samples.length;
        }

        /** A request count: the traffic query is asked for one instant, so this sums one value per series. */
        Double requests() {
            if (samples.length == 0) {
                return null;
            }
            double sum = 0;
            for (double v : samples) {
                sum += v;
            }
            return sum;
        }

        String describe() {
            return samples.length + " usable" + (dropped > 0 ? " (" + dropped + " NaN or infinite dropped)" : "")
                    + (series == 0 ? ", no series matched" : series > 1 ? ", " + series + " series pooled" : "");
        }
    }

    private Fetched fetch(String query, Instant start, Instant end) {
        try {
            List<Series> series = Series.parse(source.rangeQuery(new MetricSource.RangeQuery(query, start, end, policy.step())), source.describe());
            List<Double> finite = new ArrayList<>();
            int dropped = 0;
            for (Series s : series) {
                for (double v : s.values()) {
                    if (Double.isFinite(v)) {
                        finite.add(v);
                    } else {
                        dropped++;
                    }
                }
            }
            return new Fetched(finite.stream().mapToDouble(Double::doubleValue).toArray(), series.size(), dropped, null);
        } catch (MetricQueryException e) {
            return new Fetched(new double[0], 0, 0, e);
        }
    }
}
