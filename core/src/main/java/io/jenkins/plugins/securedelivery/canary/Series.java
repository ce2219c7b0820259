package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One time series of a range query's answer: its labels and its values in time order, NaN and infinities included
 * (Prometheus writes them as {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"}).
 */
record Series(Map<String, String> labels, double[] values) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads an answer of {@code /api/v1/query_range}. Prometheus' own error answers ({@code "status": "error"}) and
     * anything that is not its API become a {@link MetricQueryException} that quotes Prometheus' error text.
     */
    static List<Series> parse(MetricSource.Answer answer, String server) throws MetricQueryException {
        JsonNode root;
        try {
            root = JSON.readTree(answer.body());
        } catch (JacksonException e) {
            root = null;
        }
        int status = answer.status();
        if (root == null || !root.isObject() || !root.path("status").isTextual()) {
            String kindOfAnswer = "HTTP " + status + " without Prometheus' JSON";
            if (status == 401 || status == 403) {
                throw new MetricQueryException(MetricQueryException.Kind.UNAUTHORIZED, server + " refused the credentials (" + kindOfAnswer
                        + "); give a valid bearer token or user and password");
            }
            if (status >= 500) {
                throw new MetricQueryException(MetricQueryException.Kind.UNAVAILABLE, server + " answered " + kindOfAnswer);
            }
            throw new MetricQueryException(MetricQueryException.Kind.MALFORMED, server + " answered " + kindOfAnswer
                    + "; is this the base URL of Prometheus (the part before /api/v1)?");
        }
        if (!"success".equals(root.path("status").asText())) {
            String error = root.path("errorType").asText("unknown") + ": " + root.path("error").asText("no error text");
            MetricQueryException.Kind kind = status == 401 || status == 403 ? MetricQueryException.Kind.UNAUTHORIZED
                    : status >= 500 ? MetricQueryException.Kind.UNAVAILABLE
                    : MetricQueryException.Kind.REJECTED;
            throw new MetricQueryException(kind, server + " answered HTTP " + status + " with " + error);
        }
        JsonNode data = root.path("data");
        if (!"matrix".equals(data.path("resultType").asText()) || !data.path("result").isArray()) {
            throw new MetricQueryException(MetricQueryException.Kind.MALFORMED, server + " answered a "
                    + data.path("resultType").asText("missing") + " result where a range query gives a matrix");
        }
        List<Series> series = new ArrayList<>();
        for (JsonNode item : data.path("result")) {
            Map<String, String> labels = new TreeMap<>();
            item.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            JsonNode points = item.path("values");
            double[] values = new double[points.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = number(points.get(i).path(1).asText(""), server);
            }
            series.add(new Series(labels, values));
        }
        return series;
    }

    private static double number(String text, String server) throws MetricQueryException {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "nan":
                return Double.NaN;
            case "+inf":
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new MetricQueryException(MetricQueryException.Kind.MALFORMED, server + " answered a sample value '" + text + "' that is not a number");
                }
        }
    }
}
