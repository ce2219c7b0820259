package io.jenkins.plugins.securedelivery.gates;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;

/**
 * What a release must meet: per-rule settings (the documented defaults of {@code default-policy.yaml} with a policy
 * file merged over them), per-environment overrides merged over those, and waivers. Everything is checked when the
 * policy is read, so a typo in a field name or a bad waiver date is an error before any report is looked at.
 */
public final class GatePolicy {

    static final String DEFAULT_POLICY = "default-policy.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "tests", Set.of("required"),
            "coverage", Set.of("required", "min"),
            "vulnerabilities", Set.of("required", "max"),
            "licenses", Set.of("required", "allowed", "unknown"),
            "secrets", Set.of("required"),
            "sast", Set.of("required", "failOn"));

    private final String source;
    private final Map<String, Thresholds> byEnvironment;
    private final Thresholds base;
    private final List<Waiver> waivers;

    private GatePolicy(String source, Thresholds base, Map<String, Thresholds> byEnvironment, List<Waiver> waivers) {
        this.source = source;
        this.base = base;
        this.byEnvironment = Map.copyOf(byEnvironment);
        this.waivers = List.copyOf(waivers);
    }

    /** The documented defaults: the seeds' thresholds, no overrides, no waivers. */
    public static GatePolicy defaults() {
        return parse("{}", "(defaults)");
    }

    /** Reads a policy file (YAML) and merges it over the defaults. */
    public static GatePolicy read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Reads a policy held as text (e.g. in a controller's configuration) and merges it over the defaults;
     * {@code source} names it in errors and in the verdict.
     */
    public static GatePolicy parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            int line = e.getLocation() != null ? e.getLocation().getLineNr() : 0;
            throw new GateInputException(source + (line > 0 ? ":" + line : ""), "not valid YAML (" + XmlReports.firstLine(e.getOriginalMessage()) + ")",
                    "fix the syntax; docs/gates.md shows a complete policy");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new GateInputException(source, "the policy is not a mapping of rules", "start from the example in docs/gates.md");
        }
        ObjectNode top = (ObjectNode) root.deepCopy();
        JsonNode environments = top.remove("environments");
        JsonNode waiverList = top.remove("waivers");
        ObjectNode merged = merge(defaultTree(), top);
        Thresholds base = thresholds(merged, source, "");
        Map<String, Thresholds> byEnvironment = new LinkedHashMap<>();
        if (environments != null && !environments.isNull()) {
            if (!environments.isObject()) {
                throw new GateInputException(source + " field environments", "is not a mapping of environment names to rule overrides",
                        "write e.g. `environments: {dev: {coverage: {min: 60}}}`");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = environments.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> env = it.next();
                if (!env.getValue().isObject()) {
                    throw new GateInputException(source + " field environments." + env.getKey(), "is not a mapping of rule overrides",
                            "write e.g. `" + env.getKey() + ": {coverage: {min: 60}}`");
                }
                ObjectNode envMerged = merge(merged.deepCopy(), (ObjectNode) env.getValue());
                byEnvironment.put(env.getKey(), thresholds(envMerged, source, "environments." + env.getKey() + "."));
            }
        }
        return new GatePolicy(source, base, byEnvironment, waivers(waiverList, source));
    }

    /** Where the policy came from: a file name, or {@code (defaults)}. */
    public String source() {
        return source;
    }

    /** The environments that have overrides. */
    public Set<String> environments() {
        return new TreeSet<>(byEnvironment.keySet());
    }

    public List<Waiver> waivers() {
        return waivers;
    }

    /** The settings for an environment: its overrides merged over the policy, or the policy itself when it has none. */
    Thresholds thresholdsFor(String environment) {
        return environment == null ? base : byEnvironment.getOrDefault(environment, base);
    }

    boolean hasOverridesFor(String environment) {
        return environment != null && byEnvironment.containsKey(environment);
    }

    private static ObjectNode defaultTree() {
        try (InputStream in = GatePolicy.class.getResourceAsStream(DEFAULT_POLICY)) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled " + DEFAULT_POLICY + " cannot be read", e);
        }
    }

    private static ObjectNode merge(ObjectNode base, ObjectNode over) {
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode overObject) {
                merge(existingObject, overObject);
            } else {
                base.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return base;
    }

    private static Thresholds thresholds(ObjectNode policy, String source, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = policy.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            Set<String> known = FIELDS.get(section.getKey());
            String field = prefix + section.getKey();
            if (known == null) {
                throw new GateInputException(source + " field " + field, "is not a rule of the gate",
                        "use tests, coverage, vulnerabilities, licenses, secrets, sast" + (prefix.isEmpty() ? ", environments or waivers" : ""));
            }
            if (!section.getValue().isObject()) {
                throw new GateInputException(source + " field " + field, "is not a mapping", "write e.g. `" + section.getKey() + ": {required: true}`");
            }
            for (Iterator<String> names = section.getValue().fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw new GateInputException(source + " field " + field + "." + name, "is not a setting of the " + section.getKey() + " rule",
                            "use " + String.join(", ", new TreeSet<>(known)));
                }
            }
        }
        Fields f = new Fields(policy, source, prefix);
        Map<String, Integer> max = new LinkedHashMap<>();
        JsonNode maxNode = policy.path("vulnerabilities").path("max");
        if (!maxNode.isObject()) {
            throw new GateInputException(source + " field " + prefix + "vulnerabilities.max", "is not a mapping of severities to counts",
                    "write e.g. `max: {critical: 0, high: 0, medium: 5}`");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = maxNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String field = prefix + "vulnerabilities.max." + entry.getKey();
            if (!Thresholds.SEVERITIES.contains(entry.getKey())) {
                throw new GateInputException(source + " field " + field, "is not a severity", "use " + String.join(", ", Thresholds.SEVERITIES));
            }
            if (entry.getValue().isNull()) {
                continue;
            }
            if (!entry.getValue().canConvertToExactIntegral() || entry.getValue().asInt() < 0) {
                throw new GateInputException(source + " field " + field, "is not a count (" + entry.getValue() + ")",
                        "give a whole number of findings allowed, 0 or more, or null for no limit");
            }
            max.put(entry.getKey(), entry.getValue().asInt());
        }
        List<String> allowed = new ArrayList<>();
        JsonNode allowedNode = policy.path("licenses").path("allowed");
        if (!allowedNode.isArray()) {
            throw new GateInputException(source + " field " + prefix + "licenses.allowed", "is not a list of SPDX licence ids",
                    "write e.g. `allowed: [MIT, Apache-2.0]`");
        }
        allowedNode.forEach(id -> allowed.add(id.asText()));
        String unknown = f.text("licenses", "unknown", Set.of("fail", "warn"));
        String failOn = f.text("sast", "failOn", Set.of("error", "warning", "note"));
        double min = f.number("coverage", "min");
        if (min < 0 || min > 100) {
            throw new GateInputException(source + " field " + prefix + "coverage.min", "is not a percentage (" + min + ")", "give a number from 0 to 100");
        }
        return new Thresholds(f.flag("tests"), f.flag("coverage"), min, f.flag("vulnerabilities"), max,
                f.flag("licenses"), allowed, unknown.equals("warn"), f.flag("secrets"), f.flag("sast"), failOn);
    }

    private record Fields(ObjectNode policy, String source, String prefix) {
        boolean flag(String section) {
            JsonNode node = policy.path(section).path("required");
            if (!node.isBoolean()) {
                throw new GateInputException(source + " field " + prefix + section + ".required", "is not true or false (" + node + ")",
                        "write `required: true` or `required: false`");
            }
            return node.booleanValue();
        }

        double number(String section, String name) {
            JsonNode node = policy.path(section).path(name);
            if (!node.isNumber()) {
                throw new GateInputException(source + " field " + prefix + section + "." + name, "is not a number (" + node + ")",
                        "write a number without a percent sign, e.g. `" + name + ": 80`");
            }
            return node.doubleValue();
        }

        String text(String section, String name, Set<String> values) {
            String value = policy.path(section).path(name).asText();
            if (!values.contains(value)) {
                throw new GateInputException(source + " field " + prefix + section + "." + name, "is not one of " + new TreeSet<>(values) + " (" + value + ")",
                        "use one of " + String.join(", ", new TreeSet<>(values)));
            }
            return value;
        }
    }

    private static List<Waiver> waivers(JsonNode list, String source) {
        List<Waiver> waivers = new ArrayList<>();
        if (list == null || list.isNull()) {
            return waivers;
        }
        if (!list.isArray()) {
            throw new GateInputException(source + " field waivers", "is not a list", "write each waiver as a list item with id, reason, owner and expires");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String at = source + " field waivers[" + i + "]";
            if (!item.isObject()) {
                throw new GateInputException(at, "is not a mapping", "give id, reason, owner and expires");
            }
            for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!Set.of("id", "path", "reason", "owner", "expires").contains(name)) {
                    throw new GateInputException(at + "." + name, "is not a waiver field", "use id, path, reason, owner and expires");
                }
            }
            String id = required(item, "id", at);
            String reason = required(item, "reason", at);
            String owner = required(item, "owner", at);
            String expiresText = required(item, "expires", at);
            LocalDate expires;
            try {
                expires = LocalDate.parse(expiresText);
            } catch (DateTimeParseException e) {
                throw new GateInputException(at + ".expires", "is not a date (" + expiresText + ")",
                        "write the last day the waiver counts as YYYY-MM-DD, e.g. 2026-12-31");
            }
            String path = item.hasNonNull("path") ? item.get("path").asText() : null;
            if (path != null) {
                try {
                    FileSystems.getDefault().getPathMatcher("glob:" + path);
                } catch (PatternSyntaxException e) {
                    throw new GateInputException(at + ".path", "is not a valid glob (" + path + ")", "write a glob such as src/legacy/**");
                }
            }
            waivers.add(new Waiver(id, path, reason, owner, expires));
        }
        return waivers;
    }

    private static String required(JsonNode item, String field, String at) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
            throw new GateInputException(at + "." + field, "is missing",
                    "every waiver names the finding (id), a reason, an owner and an expiry date (expires: YYYY-MM-DD)");
        }
        return value.asText().trim();
    }
}
