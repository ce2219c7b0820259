package io.jenkins.plugins.securedelivery.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One person's answer to an approval request, as the caller recorded it.
 *
 * @param approver  the user id
 * @param email     the user's e-mail address, or null; compared with the commit author's to refuse self-approval
 * @param groups    the user's groups as the caller resolved them (Jenkins' authorities, an LDAP lookup)
 * @param verdict   approve or reject
 * @param comment   why, or null
 * @param decidedAt when
 */
public record ApprovalDecision(String approver, String email, List<String> groups, Verdict verdict, String comment, Instant decidedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("approver", "email", "groups", "verdict", "comment", "decidedAt");

    public enum Verdict { APPROVE, REJECT }

    public ApprovalDecision {
        Objects.requireNonNull(approver, "approver");
        groups = List.copyOf(groups);
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(decidedAt, "decidedAt");
    }

    ObjectNode toJsonNode() {
        ObjectNode node = JSON.createObjectNode();
        node.put("approver", approver);
        if (email != null) {
            node.put("email", email);
        }
        groups.forEach(node.putArray("groups")::add);
        node.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
        if (comment != null) {
            node.put("comment", comment);
        }
        node.put("decidedAt", decidedAt.toString());
        return node;
    }

    /** Decisions as a JSON array, the form {@link #listFromJson} reads. */
    public static String toJson(List<ApprovalDecision> decisions) {
        ArrayNode array = JSON.createArrayNode();
        decisions.forEach(d -> array.add(d.toJsonNode()));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<ApprovalDecision> read(Path file) throws IOException {
        return listFromJson(file.toString(), Files.readAllBytes(file));
    }

    /** Reads a JSON array of decisions; {@code name} is the file as the user knows it, for messages. */
    public static List<ApprovalDecision> listFromJson(String name, byte[] json) {
        return listFromJson(name, "", ApprovalRequest.readTree(name, json));
    }

    static List<ApprovalDecision> listFromJson(String name, String path, JsonNode node) {
        if (!node.isArray()) {
            throw new ApprovalInputException(path.isEmpty() ? name : name + ": " + path, "is not a JSON array of decisions (" + JsonFields.kind(node) + ")",
                    "write [] when nobody has decided yet, or one object per decision");
        }
        List<ApprovalDecision> decisions = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            decisions.add(fromJson(name, path + "[" + i + "]", node.get(i)));
        }
        return decisions;
    }

    private static ApprovalDecision fromJson(String name, String path, JsonNode node) {
        JsonFields fields = JsonFields.object(name, path, node, "see docs/approvals.md for the decision format");
        fields.onlyFields(FIELDS);
        String verdict = fields.text("verdict", "write verdict: approve or reject");
        Verdict parsed = switch (verdict.toLowerCase(Locale.ROOT)) {
            case "approve", "approved" -> Verdict.APPROVE;
            case "reject", "rejected" -> Verdict.REJECT;
            default -> throw new ApprovalInputException(fields.where("verdict"), "'" + verdict + "' is neither approve nor reject",
                    "write verdict: approve or verdict: reject");
        };
        return new ApprovalDecision(
                fields.text("approver", "give the approver's user id"),
                fields.optionalText("email"),
                fields.texts("groups", false, "list the approver's groups as strings"),
                parsed,
                fields.optionalText("comment"),
                fields.instant("decidedAt", "give the time of the decision, e.g. 2026-11-24T10:00:00Z"));
    }
}
