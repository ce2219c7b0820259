package io.jenkins.plugins.securedelivery.canary;

import java.util.List;

/**
 * Built-in queries for the common metric conventions, so a minimal policy only names its selectors. Latency is in
 * seconds for every preset, so thresholds mean the same whichever is used. Thresholds are the seeds': success rate at
 * least 99 %, p95 latency at most 500 ms (Flagger's defaults; a gateway tightens it to 300 ms).
 */
enum MetricPreset {
    HTTP("http",
            "sum(increase(http_requests_total{ {{selector}} }[{{range}}]))",
            List.of(
                    new PolicyMetric("success-rate",
                            "sum(rate(http_requests_total{ {{selector}}, code!~\"5..\" }[{{window}}]))"
                                    + " / sum(rate(http_requests_total{ {{selector}} }[{{window}}]))",
                            Direction.DECREASE_IS_BAD, 0.99, null, true, 1, true),
                    new PolicyMetric("latency-p95",
                            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{ {{selector}} }[{{window}}])))",
                            Direction.INCREASE_IS_BAD, null, 0.5, true, 1, false))),
    ISTIO("istio",
            "sum(increase(istio_requests_total{ reporter=\"destination\", {{selector}} }[{{range}}]))",
            List.of(
                    new PolicyMetric("success-rate",
                            "sum(rate(istio_requests_total{ reporter=\"destination\", {{selector}}, response_code!~\"5..\" }[{{window}}]))"
                                    + " / sum(rate(istio_requests_total{ reporter=\"destination\", {{selector}} }[{{window}}]))",
                            Direction.DECREASE_IS_BAD, 0.99, null, true, 1, true),
                    new PolicyMetric("latency-p95",
                            "histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{ reporter=\"destination\", {{selector}} }[{{window}}]))) / 1000",
                            Direction.INCREASE_IS_BAD, null, 0.5, true, 1, false))),
    NONE("none", null, List.of());

    private final String text;
    private final String traffic;
    private final List<PolicyMetric> metrics;

    MetricPreset(String text, String traffic, List<PolicyMetric> metrics) {
        this.text = text;
        this.traffic = traffic;
        this.metrics = metrics;
    }

    String text() {
        return text;
    }

    /** The query counting requests over the whole analysis ({@code {{range}}}), or null for {@link #NONE}. */
    String traffic() {
        return traffic;
    }

    List<PolicyMetric> metrics() {
        return metrics;
    }
}
