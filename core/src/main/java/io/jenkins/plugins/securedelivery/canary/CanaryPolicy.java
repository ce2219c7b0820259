package io.jenkins.plugins.securedelivery.canary;

import io.jenkins.plugins.securedelivery.Durations;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a canary is judged: which series are the canary and which the baseline, the metrics with their queries,
 * directions, thresholds and weights, how much data is enough, the statistics' settings, and what a watch does
 * with an inconclusive result. Read from YAML (docs/canary.md is the reference); immutable and thread-safe.
 */
public final class CanaryPolicy {

    static final String DEFAULT_CANARY = "namespace=\"{{namespace}}\", rollouts_pod_template_hash=\"{{canaryHash}}\"";
    static final String DEFAULT_BASELINE = "namespace=\"{{namespace}}\", rollouts_pod_template_hash=\"{{stableHash}}\"";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> TOP_FIELDS = Set.of("preset", "canary", "baseline", "traffic", "metrics", "step", "rateWindow",
            "minRequests", "minSamples", "alpha", "minEffectSize", "passScore", "marginalScore", "interval", "inconclusive");
    private static final Set<String> METRIC_FIELDS = Set.of("name", "query", "direction", "min", "max", "compare", "weight", "critical", "enabled");
    private static final Set<String> INCONCLUSIVE_FIELDS = Set.of("limit", "then");
    /** Placeholders a query may use besides the target's variables; the analysis fills them. */
    static final Set<String> QUERY_VARIABLES = Set.of("selector", "window", "range");

    private final String source;
    private final MetricPreset preset;
    private final String canarySelector;
    private final String baselineSelector;
    private final String traffic;
    private final List<PolicyMetric> metrics;
    private final Duration step;
    private final Duration rateWindow;
    private final long minRequests;
    private final int minSamples;
    private final double alpha;
    private final double minEffectSize;
    private final double passScore;
    private final double marginalScore;
    private final Duration interval;
    private final Duration inconclusiveLimit;
    private final InconclusiveAction onInconclusive;

    private CanaryPolicy(Reader r) {
        this.source = r.source;
        this.preset = r.preset;
        this.canarySelector = r.text("canary", DEFAULT_CANARY);
        this.baselineSelector = r.text("baseline", DEFAULT_BASELINE);
        this.traffic = r.text("traffic", preset.traffic());
        this.step = r.duration(r.root, "step", Duration.ofMinutes(1));
        this.rateWindow = r.duration(r.root, "rateWindow", Duration.ofMinutes(1));
        this.minRequests = r.number(r.root, "minRequests", 100L, 1, Long.MAX_VALUE).longValue();
        this.minSamples = r.number(r.root, "minSamples", 10, 3, 100_000).intValue();
        this.alpha = r.number(r.root, "alpha", 0.05, 1e-9, 0.5).doubleValue();
        this.minEffectSize = r.number(r.root, "minEffectSize", 0.3, 0, 1).doubleValue();
        this.passScore = r.number(r.root, "passScore", 95, 0, 100).doubleValue();
        this.marginalScore = r.number(r.root, "marginalScore", 75, 0, 100).doubleValue();
        this.interval = r.duration(r.root, "interval", Duration.ofMinutes(1));
        JsonNode inconclusive = r.object(r.root, "inconclusive", INCONCLUSIVE_FIELDS);
        this.inconclusiveLimit = r.duration(inconclusive, "inconclusive.limit", Duration.ofMinutes(10));
        this.onInconclusive = r.choice(inconclusive, "inconclusive.then", InconclusiveAction.FAIL);
        this.metrics = r.metrics();
        if (marginalScore > passScore) {
            throw r.error("marginalScore", "is " + marginalScore + ", above passScore " + passScore,
                    "make marginalScore at most passScore (scores between them are inconclusive)");
        }
        if (traffic == null) {
            throw r.error("traffic", "is missing, and preset none has no request-count query",
                    "give a query counting the requests over {{range}}, e.g. sum(increase(my_requests_total{ {{selector}} }[{{range}}])): "
                            + "without it too little traffic could pass");
        }
        r.requireSelector("traffic", traffic);
        if (metrics.isEmpty()) {
            throw r.error("metrics", "no metric is left to judge", "add a metric, or use preset http or istio");
        }
        if (metrics.stream().mapToDouble(PolicyMetric::weight).sum() <= 0) {
            throw r.error("metrics", "every metric has weight 0, so no score can be made", "give at least one metric a positive weight");
        }
        for (String field : List.of("canary", "baseline")) {
            String selector = field.equals("canary") ? canarySelector : baselineSelector;
            if (selector.isBlank()) {
                throw r.error(field, "is empty", "give the PromQL label matchers that select the " + field + "'s series, e.g. track=\"" + field + "\"");
            }
            for (String variable : QUERY_VARIABLES) {
                if (Templates.mentions(selector, variable)) {
                    throw r.error(field, "uses {{" + variable + "}}, which only queries may use",
                            "use the target's variables here ({{namespace}}, {{canaryHash}}, ...) or literal labels");
                }
            }
        }
        if (canarySelector.equals(baselineSelector)) {
            throw r.error("baseline", "is the same selector as canary (" + canarySelector + ")",
                    "select the baseline's series with a label that differs from the canary's");
        }
    }

    /** Reads a policy file. */
    public static CanaryPolicy load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CanaryPolicyException(file.toString(), "", "no such file", "check the path of the canary policy");
        }
        return parse(text, file.toString());
    }

    /**
     * Reads a policy from YAML text.
     *
     * @param source how errors name the policy (its file name)
     */
    public static CanaryPolicy parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            // The YAML parser's own message names line and column; it is folded onto one line for logs.
            throw new CanaryPolicyException(source, "", "is not valid YAML (" + e.getOriginalMessage().replaceAll("\\s+", " ").strip() + ")",
                    "fix the YAML syntax", e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new CanaryPolicyException(source, "", "is not a mapping of fields", "write the policy as `field: value` lines (see docs/canary.md)");
        }
        return new CanaryPolicy(new Reader(root, source));
    }

    /**
     * The documented default: the http preset with the seeds' thresholds, canary and baseline told apart by Argo
     * Rollouts' pod-template hash ({@code {{namespace}}}, {@code {{canaryHash}}}, {@code {{stableHash}}}).
     */
    public static CanaryPolicy defaults() {
        return parse("", "built-in default policy");
    }

    /** How often a watch runs an analysis. */
    public Duration interval() {
        return interval;
    }

    /** How long a watch accepts inconclusive analyses before {@link #onInconclusive()} applies. */
    public Duration inconclusiveLimit() {
        return inconclusiveLimit;
    }

    public InconclusiveAction onInconclusive() {
        return onInconclusive;
    }

    String source() {
        return source;
    }

    MetricPreset preset() {
        return preset;
    }

    String canarySelector() {
        return canarySelector;
    }

    String baselineSelector() {
        return baselineSelector;
    }

    String traffic() {
        return traffic;
    }

    List<PolicyMetric> metrics() {
        return metrics;
    }

    Duration step() {
        return step;
    }

    Duration rateWindow() {
        return rateWindow;
    }

    long minRequests() {
        return minRequests;
    }

    int minSamples() {
        return minSamples;
    }

    double alpha() {
        return alpha;
    }

    double minEffectSize() {
        return minEffectSize;
    }

    double passScore() {
        return passScore;
    }

    double marginalScore() {
        return marginalScore;
    }

    /** A duration as PromQL writes it ({@code 60s}, {@code 500ms}). */
    static String promql(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    /** Walks the YAML tree, so each error can name the field it is about. */
    private static final class Reader {
        final JsonNode root;
        final String source;
        final MetricPreset preset;

        Reader(JsonNode root, String source) {
            this.root = root;
            this.source = source;
            unknownFields(root, "", TOP_FIELDS);
            this.preset = choice(root, "preset", MetricPreset.HTTP);
        }

        CanaryPolicyException error(String field, String problem, String fix) {
            return new CanaryPolicyException(source, field, problem, fix);
        }

        void unknownFields(JsonNode node, String path, Set<String> known) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw error(path + name, "is not a known field", "use one of " + known.stream().sorted().collect(Collectors.joining(", ")));
                }
            }
        }

        private static String leaf(String path) {
            return path.substring(path.lastIndexOf('.') + 1);
        }

        JsonNode object(JsonNode parent, String field, Set<String> known) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw error(field, "is not a mapping", "write it as nested `field: value` lines");
            }
            unknownFields(node, field + ".", known);
            return node;
        }

        String text(String field, String fallback) {
            return text(root, field, field, fallback);
        }

        String text(JsonNode parent, String name, String path, String fallback) {
            JsonNode node = parent.get(name);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isTextual()) {
                throw error(path, "is " + node.getNodeType().toString().toLowerCase(Locale.ROOT) + ", not text", "quote the value");
            }
            return node.asText().strip();
        }

        Number number(JsonNode parent, String path, Number fallback, double min, double max) {
            JsonNode node = parent.get(leaf(path));
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isNumber()) {
                throw error(path, "'" + node.asText() + "' is not a number", "write a plain number between " + min + " and " + max);
            }
            double value = node.doubleValue();
            if (value < min || value > max || Double.isNaN(value)) {
                throw error(path, node.asText() + " is out of range", "use a number between " + plain(min) + " and " + plain(max));
            }
            if ((fallback instanceof Integer || fallback instanceof Long) && value != Math.rint(value)) {
                throw error(path, node.asText() + " is not a whole number", "use a whole number");
            }
            return fallback instanceof Integer ? (Number) node.intValue() : fallback instanceof Long ? (Number) node.longValue() : (Number) value;
        }

        private static String plain(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
        }

        Duration duration(JsonNode parent, String path, Duration fallback) {
            String text = text(parent, leaf(path), path, null);
            if (text == null) {
                return fallback;
            }
            return Durations.parse(text).orElseThrow(() -> error(path, "'" + text + "' is not a duration",
                    "write a positive number and one unit: 500ms, 30s, 1m, 10m, 2h, 1d"));
        }

        <E extends Enum<E>> E choice(JsonNode parent, String path, E fallback) {
            String text = text(parent, leaf(path), path, null);
            if (text == null) {
                return fallback;
            }
            for (E value : fallback.getDeclaringClass().getEnumConstants()) {
                if (spelled(value).equals(text)) {
                    return value;
                }
            }
            throw error(path, "'" + text + "' is not one of " + Arrays.stream(fallback.getDeclaringClass().getEnumConstants())
                    .map(Reader::spelled).collect(Collectors.joining(", ")), "use one of those");
        }

        private static String spelled(Enum<?> value) {
            if (value instanceof MetricPreset p) {
                return p.text();
            }
            if (value instanceof Direction d) {
                return d.text();
            }
            return value.name().toLowerCase(Locale.ROOT);
        }

        void requireSelector(String path, String query) {
            if (!Templates.mentions(query, "selector")) {
                throw error(path, "does not use {{selector}}, so canary and baseline would get the same numbers",
                        "put {{selector}} inside the metric's braces, e.g. http_requests_total{ {{selector}} }");
            }
        }

        /** The preset's metrics, each overridden field by field by a policy entry of the same name, then the new ones. */
        List<PolicyMetric> metrics() {
            Map<String, PolicyMetric> byName = new LinkedHashMap<>();
            preset.metrics().forEach(m -> byName.put(m.name(), m));
            JsonNode list = root.get("metrics");
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw error("metrics", "is not a list", "write each metric as a list item starting with `- name: ...`");
                }
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    String path = "metrics[" + i + "]";
                    JsonNode node = list.get(i);
                    if (!node.isObject()) {
                        throw error(path, "is not a mapping", "write the metric as `name:`, `query:` ... fields");
                    }
                    unknownFields(node, path + ".", METRIC_FIELDS);
                    String name = text(node, "name", path + ".name", null);
                    if (name == null || name.isEmpty()) {
                        throw error(path + ".name", "is missing", "name the metric (a preset's metric name overrides it: "
                                + preset.metrics().stream().map(PolicyMetric::name).collect(Collectors.joining(", ")) + ")");
                    }
                    if (seen.contains(name)) {
                        throw error(path + ".name", "'" + name + "' is listed twice", "merge the two entries");
                    }
                    seen.add(name);
                    PolicyMetric base = byName.get(name);
                    JsonNode enabled = node.get("enabled");
                    if (enabled != null && !enabled.isBoolean()) {
                        throw error(path + ".enabled", "is not true or false", "write true or false");
                    }
                    if (enabled != null && !enabled.booleanValue()) {
                        if (base == null) {
                            throw error(path + ".enabled", "disables '" + name + "', which preset " + preset.text() + " does not have",
                                    "remove the entry, or name one of " + String.join(", ", byName.keySet()));
                        }
                        byName.remove(name);
                        continue;
                    }
                    byName.put(name, metric(node, path, name, base));
                }
            }
            return List.copyOf(byName.values());
        }

        private PolicyMetric metric(JsonNode node, String path, String name, PolicyMetric base) {
            String query = text(node, "query", path + ".query", base == null ? null : base.query());
            if (query == null || query.isEmpty()) {
                throw error(path + ".query", "is missing for '" + name + "', which is not a metric of preset " + preset.text(),
                        "give its PromQL query with {{selector}} (and {{window}} for rates)");
            }
            requireSelector(path + ".query", query);
            Direction direction = base == null && node.get("direction") == null
                    ? null : choice(node, path + ".direction", base == null ? Direction.INCREASE_IS_BAD : base.direction());
            if (direction == null) {
                throw error(path + ".direction", "is missing for '" + name + "'", "say which way is bad: increase-is-bad or decrease-is-bad");
            }
            boolean ownThreshold = node.has("min") || node.has("max");
            Double min = optionalNumber(node, path + ".min", ownThreshold || base == null ? null : base.min());
            Double max = optionalNumber(node, path + ".max", ownThreshold || base == null ? null : base.max());
            if (min != null && max != null && min > max) {
                throw error(path + ".min", min + " is above max " + max, "make min at most max");
            }
            boolean compare = bool(node, path + ".compare", base == null || base.compare());
            double weight = number(node, path + ".weight", base == null ? 1.0 : base.weight(), 0, 1_000_000).doubleValue();
            boolean critical = bool(node, path + ".critical", base != null && base.critical());
            if (!compare && min == null && max == null) {
                throw error(path, "'" + name + "' has neither a threshold (min, max) nor a comparison (compare: true)",
                        "give it min or max, or let it compare the canary with the baseline");
            }
            return new PolicyMetric(name, query, direction, min, max, compare, weight, critical);
        }

        private Double optionalNumber(JsonNode node, String path, Double fallback) {
            JsonNode value = node.get(leaf(path));
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isNumber()) {
                throw error(path, "'" + value.asText() + "' is not a number", "write a plain number in the metric's unit (seconds for latency, 0.99 for 99 %)");
            }
            return value.doubleValue();
        }

        private boolean bool(JsonNode node, String path, boolean fallback) {
            JsonNode value = node.get(leaf(path));
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isBoolean()) {
                throw error(path, "'" + value.asText() + "' is not true or false", "write true or false");
            }
            return value.booleanValue();
        }
    }
}
