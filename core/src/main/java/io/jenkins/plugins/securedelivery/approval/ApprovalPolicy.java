package io.jenkins.plugins.securedelivery.approval;

import io.jenkins.plugins.securedelivery.Durations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The approval rules of every environment, read from a YAML file (docs/approvals.md):
 *
 * <pre>
 * environments:
 *   prod:
 *     groups: [cab]              # who may approve
 *     required: 2                # distinct approvers
 *     ticket: {required: true, pattern: "CHG-\\d+"}
 *     expiresAfter: 24h          # s, m, h, d, or ISO-8601 (PT24H)
 *     adminGroup: platform-admins
 *     adminBypass: false         # one admin alone may approve only when true
 * </pre>
 *
 * @param file         the file as the user named it, for messages
 * @param digest       {@code sha256:<hex>} of the file's bytes: which rules an approval was given under
 * @param environments the rules per environment, in file order
 */
public record ApprovalPolicy(String file, String digest, Map<String, EnvironmentPolicy> environments) {

    private static final Set<String> TOP = Set.of("environments");
    private static final Set<String> FIELDS = Set.of("groups", "required", "ticket", "expiresAfter", "adminGroup", "adminBypass", "selfApproval");
    private static final Set<String> TICKET = Set.of("required", "pattern");
    private static final String SEE_DOCS = "see docs/approvals.md for the policy format";

    public ApprovalPolicy {
        environments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environments));
    }

    /** Reads and checks a policy file. */
    public static ApprovalPolicy read(Path file) throws IOException {
        return parse(file.toString(), Files.readAllBytes(file));
    }

    /**
     * The text of a whole policy from what an administrator wrote for one environment: either the environment's own
     * rules ({@code groups}, {@code required}, ...), which are wrapped as {@code environments: {ENVIRONMENT: ...}}, or a
     * whole policy (with {@code environments:}), taken as it is. {@code name} is used in messages.
     */
    public static String wholePolicyText(String name, String environment, String yaml) {
        YAMLMapper mapper = new YAMLMapper();
        JsonNode tree;
        try {
            tree = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ApprovalInputException(name, "is not valid YAML" + where, "fix the YAML syntax there");
        }
        if (tree == null || !tree.isObject()) {
            throw new ApprovalInputException(name, "is not a mapping of rules", "write groups:, required:, expiresAfter: (" + SEE_DOCS + ")");
        }
        if (tree.has("environments")) {
            return yaml;
        }
        var whole = mapper.createObjectNode();
        whole.putObject("environments").set(environment, tree);
        try {
            return mapper.writeValueAsString(whole);
        } catch (JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Parses a policy held in memory (a Jenkins configuration value, say); {@code name} is used in messages. */
    public static ApprovalPolicy parse(String name, byte[] yaml) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ApprovalInputException(name, "is not valid YAML" + where, "fix the YAML syntax there");
        } catch (IOException e) {
            throw new ApprovalInputException(name, "cannot be read as YAML", "give the policy file as text");
        }
        JsonFields top = JsonFields.object(name, "", root, SEE_DOCS);
        top.onlyFields(TOP);
        JsonFields all = JsonFields.object(name, "environments", root.get("environments"),
                "list each environment under environments: with its approval rules");
        if (all.node().isEmpty()) {
            throw new ApprovalInputException(all.where(""), "names no environment", "give the rules of at least one environment");
        }
        Map<String, EnvironmentPolicy> environments = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.node().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            environments.put(entry.getKey(), environment(name, entry.getKey(), entry.getValue()));
        }
        return new ApprovalPolicy(name, "sha256:" + HexFormat.of().formatHex(sha256(yaml)), environments);
    }

    private static EnvironmentPolicy environment(String file, String environment, JsonNode node) {
        JsonFields rules = JsonFields.object(file, "environments." + environment, node, SEE_DOCS);
        rules.onlyFields(FIELDS);
        List<String> groups = rules.texts("groups", true, "name the groups whose members may approve, e.g. groups: [cab]");
        JsonNode required = node.get("required");
        if (required == null || !required.canConvertToInt() || !required.isIntegralNumber() || required.asInt() < 1) {
            throw new ApprovalInputException(rules.where("required"),
                    required == null ? "is missing" : "must be a whole number of at least 1 (" + JsonFields.kind(required) + ")",
                    "say how many distinct people must approve, e.g. required: 2");
        }
        JsonNode self = node.get("selfApproval");
        if (self != null && !(self.isBoolean() && !self.asBoolean())) {
            throw new ApprovalInputException(rules.where("selfApproval"), "self-approval is never allowed (" + JsonFields.kind(self) + ")",
                    "remove the field or write selfApproval: false");
        }
        String adminGroup = rules.optionalText("adminGroup");
        JsonNode bypass = node.get("adminBypass");
        if (bypass != null && !bypass.isBoolean()) {
            throw new ApprovalInputException(rules.where("adminBypass"), "must be true or false (" + JsonFields.kind(bypass) + ")",
                    "write adminBypass: false, or true to let one member of adminGroup approve alone");
        }
        boolean adminBypass = bypass != null && bypass.asBoolean();
        if (adminBypass && adminGroup == null) {
            throw new ApprovalInputException(rules.where("adminGroup"), "is missing but adminBypass is true",
                    "name the administrators' group, or set adminBypass: false");
        }
        return new EnvironmentPolicy(environment, groups, required.asInt(), ticket(rules),
                duration(rules.where("expiresAfter"), rules.text("expiresAfter", "say how long an approval stays valid, e.g. expiresAfter: 24h")),
                adminGroup, adminBypass);
    }

    private static EnvironmentPolicy.TicketRule ticket(JsonFields rules) {
        if (!rules.has("ticket")) {
            return EnvironmentPolicy.TicketRule.none();
        }
        JsonFields ticket = rules.child("ticket", "write ticket: {required: true, pattern: \"CHG-\\\\d+\"}");
        ticket.onlyFields(TICKET);
        JsonNode required = ticket.node().get("required");
        if (required != null && !required.isBoolean()) {
            throw new ApprovalInputException(ticket.where("required"), "must be true or false (" + JsonFields.kind(required) + ")",
                    "write required: true to refuse requests without a change ticket");
        }
        String pattern = ticket.optionalText("pattern");
        try {
            return new EnvironmentPolicy.TicketRule(required != null && required.asBoolean(), pattern == null ? null : Pattern.compile(pattern));
        } catch (PatternSyntaxException e) {
            throw new ApprovalInputException(ticket.where("pattern"), "'" + pattern + "' is not a regular expression (" + e.getDescription() + ")",
                    "write a Java regular expression such as CHG-\\d+ (in YAML double quotes: \"CHG-\\\\d+\")");
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}, or ISO-8601 {@code PT24H}. */
    static Duration duration(String where, String text) {
        return Durations.parse(text).orElseThrow(() -> new ApprovalInputException(where, "'" + text + "' is not a positive duration",
                "write it like 24h, 30m, 7d or PT24H"));
    }

    /**
     * The rules of {@code environment}.
     *
     * @throws ApprovalInputException if the policy has none: an environment without rules is never approved by default
     */
    public EnvironmentPolicy forEnvironment(String environment) {
        EnvironmentPolicy rules = environments.get(environment);
        if (rules == null) {
            throw new ApprovalInputException(file, "has no approval rules for environment '" + environment + "' (it has: "
                    + String.join(", ", environments.keySet()) + ")", "add environments." + environment + " to the policy, or check the environment name");
        }
        return rules;
    }

    /**
     * Checks a request before anyone is asked: the environment has rules, the change ticket is there and well formed.
     *
     * @throws ApprovalInputException naming what is missing; such a request is refused, never left pending
     */
    public EnvironmentPolicy check(ApprovalRequest request) {
        EnvironmentPolicy rules = forEnvironment(request.environment());
        if (request.ticket() == null) {
            if (rules.ticket().required()) {
                throw new ApprovalInputException("approval request for " + request.environment(), "has no change ticket, and the policy in "
                        + file + " requires one" + (rules.ticket().pattern() == null ? "" : " matching " + rules.ticket().pattern().pattern()),
                        "open a change ticket and give its id in the request");
            }
        } else if (!rules.ticket().accepts(request.ticket())) {
            throw new ApprovalInputException("approval request for " + request.environment(), "change ticket '" + request.ticket()
                    + "' does not match " + rules.ticket().pattern().pattern() + " (" + file + ": environments." + request.environment() + ".ticket.pattern)",
                    "give the change ticket's id as your change system writes it");
        }
        return rules;
    }

    /**
     * The state of {@code request} at {@code now}, given every decision recorded so far. A pure function: call it again
     * with more decisions, or later, to see the state move on.
     *
     * @throws ApprovalInputException if the request itself is refused ({@link #check})
     */
    public ApprovalState evaluate(ApprovalRequest request, List<ApprovalDecision> decisions, Instant now) {
        return new Evaluation(check(request), request).evaluate(decisions, now);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
