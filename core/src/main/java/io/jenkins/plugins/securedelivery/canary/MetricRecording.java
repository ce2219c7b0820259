package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus' answers to every query of one analysis, saved from a live run and replayed without a server: the demo
 * and offline checks judge real numbers. A JSON file: the analysed window and, per query (text, start, end, step),
 * the HTTP status and body Prometheus gave. A query the recording does not hold is answered with an explained error.
 */
public final class MetricRecording implements MetricSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Instant from;
    private final Instant to;
    private final Map<RangeQuery, Answer> answers;

    private MetricRecording(String name, Instant from, Instant to, Map<RangeQuery, Answer> answers) {
        this.name = name;
        this.from = from;
        this.to = to;
        this.answers = Map.copyOf(answers);
    }

    /** Reads a recording; errors name the file and the JSON path at fault. */
    public static MetricRecording read(Path file) throws IOException {
        String source = file.toString();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new CanaryPolicyException(source, "", "is not valid JSON (" + e.getOriginalMessage() + ")", "give a recording written by a recorded analysis");
        }
        if (root == null || !root.isObject() || !root.path("responses").isArray()) {
            throw new CanaryPolicyException(source, "responses", "is missing", "give a recording written by a recorded analysis");
        }
        Map<RangeQuery, Answer> answers = new ConcurrentHashMap<>();
        ArrayNode responses = (ArrayNode) root.path("responses");
        for (int i = 0; i < responses.size(); i++) {
            JsonNode r = responses.get(i);
            String path = "responses[" + i + "]";
            JsonNode body = r.path("body");
            answers.put(new RangeQuery(text(r, "query", path, source), instant(r, "start", path, source), instant(r, "end", path, source),
                    Duration.ofMillis(r.path("stepMillis").asLong())), new Answer(r.path("status").asInt(), body.isTextual() ? body.asText() : body.toString()));
        }
        return new MetricRecording(file.getFileName().toString(), instant(root, "from", "", source), instant(root, "to", "", source), answers);
    }

    /** The start of the analysed window. */
    public Instant from() {
        return from;
    }

    /** The end of the analysed window. */
    public Instant to() {
        return to;
    }

    @Override
    public Answer rangeQuery(RangeQuery query) throws MetricQueryException {
        Answer answer = answers.get(query);
        if (answer == null) {
            throw new MetricQueryException(MetricQueryException.Kind.MALFORMED, "recording " + name + " holds no answer to " + query.query()
                    + " from " + query.start() + " to " + query.end() + "; analyse " + from + " to " + to
                    + " with the policy it was recorded with, or record it again");
        }
        return answer;
    }

    @Override
    public String describe() {
        return "recording " + name;
    }

    private static String text(JsonNode node, String field, String path, String source) {
        if (!node.path(field).isTextual()) {
            throw new CanaryPolicyException(source, (path.isEmpty() ? "" : path + ".") + field, "is missing or not text", "give a recording written by a recorded analysis");
        }
        return node.path(field).asText();
    }

    private static Instant instant(JsonNode node, String field, String path, String source) {
        try {
            return Instant.parse(text(node, field, path, source));
        } catch (DateTimeParseException e) {
            throw new CanaryPolicyException(source, (path.isEmpty() ? "" : path + ".") + field, "is not an ISO-8601 instant", "write it as 2026-11-24T10:00:00Z");
        }
    }

    /** Passes queries to a live source and keeps every answer, to be saved as a recording. Thread-safe. */
    static final class Recorder implements MetricSource {
        private final MetricSource live;
        private final List<Map.Entry<RangeQuery, Answer>> kept = new ArrayList<>();

        Recorder(MetricSource live) {
            this.live = live;
        }

        @Override
        public Answer rangeQuery(RangeQuery query) throws MetricQueryException {
            Answer answer = live.rangeQuery(query);
            synchronized (kept) {
                kept.add(Map.entry(query, answer));
            }
            return answer;
        }

        @Override
        public String describe() {
            return live.describe();
        }

        /** Writes what was recorded, as the analysis of {@code from} to {@code to}. */
        void save(Path file, Instant from, Instant to, String note) throws IOException {
            ObjectNode root = JSON.createObjectNode();
            root.put("note", note);
            root.put("from", from.toString());
            root.put("to", to.toString());
            ArrayNode responses = root.putArray("responses");
            synchronized (kept) {
                for (Map.Entry<RangeQuery, Answer> e : kept) {
                    ObjectNode r = responses.addObject();
                    r.put("query", e.getKey().query());
                    r.put("start", e.getKey().start().toString());
                    r.put("end", e.getKey().end().toString());
                    r.put("stepMillis", e.getKey().step().toMillis());
                    r.put("status", e.getValue().status());
                    try {
                        r.set("body", JSON.readTree(e.getValue().body()));
                    } catch (JacksonException notJson) {
                        r.put("body", e.getValue().body());
                    }
                }
            }
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        }
    }
}
