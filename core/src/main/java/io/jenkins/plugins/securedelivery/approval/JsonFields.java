package io.jenkins.plugins.securedelivery.approval;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of a policy, request or decision node, so that every error names the file and the field path
 * ({@code request.json: images[1]}). Hand-written over Jackson's tree rather than data binding because binding errors
 * quote Java types, not the user's field names.
 */
final class JsonFields {

    private final String file;
    private final String path;
    private final JsonNode node;

    JsonFields(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    static JsonFields object(String file, String path, JsonNode node, String fix) {
        if (node == null || !node.isObject()) {
            throw new ApprovalInputException(where(file, path), "is not an object (" + kind(node) + ")", fix);
        }
        return new JsonFields(file, path, node);
    }

    /** The object in {@code field}. */
    JsonFields child(String field, String fix) {
        return object(file, path.isEmpty() ? field : path + "." + field, node.get(field), fix);
    }

    JsonNode node() {
        return node;
    }

    String where(String field) {
        return where(file, path.isEmpty() ? field : path + "." + field);
    }

    private static String where(String file, String path) {
        return path.isEmpty() ? file : file + ": " + path;
    }

    /** Refuses fields this reader does not know: a misspelt rule must not be silently ignored. */
    void onlyFields(Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ApprovalInputException(where(name), "is not a known field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")",
                        "correct or remove it");
            }
        }
    }

    boolean has(String field) {
        return node.hasNonNull(field);
    }

    String text(String field, String fix) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ApprovalInputException(where(field), "is missing", fix);
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new ApprovalInputException(where(field), "must be a non-empty string (" + kind(value) + ")", fix);
        }
        return value.asText().strip();
    }

    String optionalText(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ApprovalInputException(where(field), "must be a string (" + kind(value) + ")", "write it as a string, or leave it out");
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }

    Instant instant(String field, String fix) {
        String text = text(field, fix);
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new ApprovalInputException(where(field), "'" + text + "' is not an RFC 3339 time", "write it like 2026-11-24T09:30:00Z");
        }
    }

    List<String> texts(String field, boolean required, String fix) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new ApprovalInputException(where(field), "is missing", fix);
            }
            return List.of();
        }
        if (!value.isArray()) {
            throw new ApprovalInputException(where(field), "must be a list of strings (" + kind(value) + ")", fix);
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new ApprovalInputException(where(field + "[" + i + "]"), "must be a non-empty string (" + kind(item) + ")", fix);
            }
            texts.add(item.asText().strip());
        }
        if (required && texts.isEmpty()) {
            throw new ApprovalInputException(where(field), "is empty", fix);
        }
        return texts;
    }

    static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "the string '" + node.asText() + "'";
            case NUMBER, BOOLEAN -> node.asText();
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
