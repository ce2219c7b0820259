package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The judgement of one analysis: an outcome, a score over the weighted metrics (0 to 100), a one-line reason, and each
 * metric's explained part. It prints as text for logs and as JSON for the Jenkins run page.
 */
public record CanaryVerdict(Outcome outcome, double score, String reason, Instant from, Instant to, List<MetricVerdict> metrics) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public CanaryVerdict {
        metrics = List.copyOf(metrics);
    }

    /** Several lines: the outcome and score, then one line per metric with its numbers and reason. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Canary analysis %s (score %.0f/100, %s to %s): %s%n", outcome, score, from, to, reason));
        for (MetricVerdict m : metrics) {
            text.append(String.format(Locale.ROOT, "  %-5s %s: canary %s (%d samples), baseline %s (%d samples)", m.outcome(), m.name(),
                    number(m.canaryValue()), m.canarySamples(), number(m.baselineValue()), m.baselineSamples()));
            if (m.threshold() != null) {
                text.append(", threshold ").append(m.threshold());
            }
            if (m.pValue() != null) {
                text.append(String.format(Locale.ROOT, ", U=%s p=%s effect=%s", number(m.statistic()), number(m.pValue()), number(m.effectSize())));
            }
            text.append(" - ").append(m.reason()).append(System.lineSeparator());
            text.append("        query: ").append(m.canaryQuery()).append(System.lineSeparator());
            if (m.baselineQuery() != null) {
                text.append("        baseline query: ").append(m.baselineQuery()).append(System.lineSeparator());
            }
        }
        return text.toString();
    }

    /** The verdict as a JSON object; absent values are JSON null, never NaN. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("outcome", outcome.name());
        root.put("score", score);
        root.put("reason", reason);
        root.put("from", from.toString());
        root.put("to", to.toString());
        var list = root.putArray("metrics");
        for (MetricVerdict m : metrics) {
            ObjectNode node = list.addObject();
            node.put("name", m.name());
            node.put("weight", m.weight());
            node.put("critical", m.critical());
            node.put("outcome", m.outcome().name());
            node.put("reason", m.reason());
            node.put("canaryQuery", m.canaryQuery());
            node.put("baselineQuery", m.baselineQuery());
            node.put("canarySamples", m.canarySamples());
            node.put("baselineSamples", m.baselineSamples());
            put(node, "canaryValue", m.canaryValue());
            put(node, "baselineValue", m.baselineValue());
            node.put("threshold", m.threshold());
            put(node, "statistic", m.statistic());
            put(node, "pValue", m.pValue());
            put(node, "effectSize", m.effectSize());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(ObjectNode node, String field, Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static String number(Double value) {
        return value == null ? "none" : String.format(Locale.ROOT, "%.4g", value);
    }
}
