package io.jenkins.plugins.securedelivery.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One line of an {@link AuditLog}: who did what to what, when, chained to the line before it.
 *
 * @param seq     1 for the first line, then one more per line
 * @param time    when it was appended
 * @param actor   who acted (a user id, a service account)
 * @param action  what was done, e.g. {@code promote}, {@code approve}, {@code rollback}
 * @param subject what it was done to, e.g. an image digest or an environment
 * @param details further plain facts, sorted by key
 * @param prev    {@code sha256:<hex>} of the previous line's bytes (without its line end); {@link AuditLog#GENESIS} for the first
 * @param hash    {@code sha256:<hex>} of this line as written without the {@code hash} field
 */
public record AuditEntry(long seq, Instant time, String actor, String action, String subject, Map<String, String> details,
                         String prev, String hash) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("seq", "time", "actor", "action", "subject", "details", "prev", "hash");

    public AuditEntry {
        details = java.util.Collections.unmodifiableMap(new TreeMap<>(details));
    }

    /** The entry with its hash computed from the other fields. */
    static AuditEntry sealed(long seq, Instant time, String actor, String action, String subject, Map<String, String> details, String prev) {
        AuditEntry unsealed = new AuditEntry(seq, time, actor, action, subject, details, prev, null);
        return new AuditEntry(seq, time, actor, action, subject, details, prev, EvidenceBundle.sha256(unsealed.json(false)));
    }

    /** The hash this entry should carry, computed from its other fields. */
    String expectedHash() {
        return EvidenceBundle.sha256(json(false));
    }

    /** The line as the log holds it, without its line end: compact JSON, fields in the order of this record. */
    byte[] line() {
        return json(true);
    }

    private byte[] json(boolean withHash) {
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", seq);
        node.put("time", DateTimeFormatter.ISO_INSTANT.format(time));
        node.put("actor", actor);
        node.put("action", action);
        node.put("subject", subject);
        ObjectNode detailNode = node.putObject("details");
        details.forEach(detailNode::put);
        node.put("prev", prev);
        if (withHash) {
            node.put("hash", hash);
        }
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of plain nodes always serialises", e);
        }
    }

    /** The entry a line holds; an {@link IllegalArgumentException} saying what is wrong when it holds none. */
    static AuditEntry parse(byte[] line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("it is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("it has a field '" + name + "' that audit entries do not have");
            }
        }
        if (!node.path("seq").canConvertToLong() || !node.path("seq").isIntegralNumber()) {
            throw new IllegalArgumentException("its seq is missing or not a whole number");
        }
        if (!node.path("details").isObject()) {
            throw new IllegalArgumentException("its details are missing or not an object");
        }
        Map<String, String> details = new TreeMap<>();
        for (Map.Entry<String, JsonNode> detail : node.get("details").properties()) {
            if (!detail.getValue().isTextual()) {
                throw new IllegalArgumentException("its detail '" + detail.getKey() + "' is not a string");
            }
            details.put(detail.getKey(), detail.getValue().asText());
        }
        Instant time;
        try {
            time = Instant.parse(text(node, "time"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("its time is not an ISO-8601 instant");
        }
        return new AuditEntry(node.get("seq").asLong(), time, text(node, "actor"), text(node, "action"), text(node, "subject"),
                details, text(node, "prev"), text(node, "hash"));
    }

    private static String text(JsonNode node, String field) {
        if (!node.path(field).isTextual()) {
            throw new IllegalArgumentException("its " + field + " is missing or not a string");
        }
        return node.get(field).asText();
    }
}
