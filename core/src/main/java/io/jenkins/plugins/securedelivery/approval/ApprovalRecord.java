package io.jenkins.plugins.securedelivery.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.DsseEnvelope;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.VerificationKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The record of an approved request: what was approved, who counted, under which policy (by digest), and until when it
 * may be used. It is signed as a DSSE envelope for the evidence bundle, and its {@link #approvers()} become the
 * promotion commit's {@code Approved-By} trailers. Only {@link #approved} makes one, so no record exists for a request
 * that was not approved.
 *
 * @param request      the request approved
 * @param approvals    the approvals that counted
 * @param adminBypass  true when one administrator approved alone, as the policy allowed
 * @param approvedAt   when the last counted approval was given
 * @param expiresAt    when the approval stops being usable for a promotion
 * @param policyFile   the policy file as named when it was read
 * @param policyDigest {@code sha256:<hex>} of the policy file's bytes
 * @param required     approvals the policy required
 * @param groups       the groups the policy allowed to approve
 */
public record ApprovalRecord(ApprovalRequest request, List<ApprovalDecision> approvals, boolean adminBypass, Instant approvedAt,
        Instant expiresAt, String policyFile, String policyDigest, int required, List<String> groups) {

    /** The DSSE payload type of a signed approval record. */
    public static final String PAYLOAD_TYPE = "application/vnd.secure-delivery.approval.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("request", "approvals", "adminBypass", "approvedAt", "expiresAt", "policy");
    private static final Set<String> POLICY_FIELDS = Set.of("file", "digest", "required", "groups");

    public ApprovalRecord {
        approvals = List.copyOf(approvals);
        groups = List.copyOf(groups);
        if (approvals.isEmpty()) {
            throw new IllegalArgumentException("an approval record needs at least one approval");
        }
    }

    /**
     * Evaluates the request and makes its record.
     *
     * @throws IllegalStateException  if the request is not approved at {@code now}, saying its state and why
     * @throws ApprovalInputException if the request is refused by the policy
     */
    public static ApprovalRecord approved(ApprovalPolicy policy, ApprovalRequest request, List<ApprovalDecision> decisions, Instant now) {
        ApprovalState state = policy.evaluate(request, decisions, now);
        if (!state.isApproved()) {
            throw new IllegalStateException("the request for " + request.environment() + " is " + state.status() + " (" + state.reason()
                    + "): only an approved request has an approval record");
        }
        EnvironmentPolicy rules = policy.forEnvironment(request.environment());
        return new ApprovalRecord(request, state.approvals(), state.adminBypass(), state.approvals().get(state.approvals().size() - 1).decidedAt(),
                state.expiresAt(), policy.file(), policy.digest(), rules.required(), rules.groups());
    }

    /** Who approved, for the promotion commit's {@code Approved-By} trailers (see {@code ReleaseCommand.approvers}). */
    public List<String> approvers() {
        return approvals.stream().map(ApprovalDecision::approver).toList();
    }

    /** Whether a promotion may still rely on this approval at {@code time}. */
    public boolean isUsableAt(Instant time) {
        return time.isBefore(expiresAt);
    }

    /**
     * Checks that this approval allows promoting images with {@code digests} to {@code environment} at {@code time}:
     * the same environment, every digest among the approved images, and not expired. {@code name} is the record as the
     * user knows it (a file), for the message.
     *
     * @throws ApprovalInputException naming what the approval does not cover
     */
    public void checkCovers(String name, String environment, Collection<String> digests, Instant time) {
        if (!request.environment().equals(environment)) {
            throw new ApprovalInputException(name, "approves a release for " + request.environment() + ", not for " + environment,
                    "give the approval record of " + environment);
        }
        Set<String> approved = new HashSet<>();
        request.images().forEach(image -> approved.add(ImageReference.parse(image).digest()));
        List<String> missing = digests.stream().filter(d -> !approved.contains(d)).toList();
        if (!missing.isEmpty()) {
            throw new ApprovalInputException(name, "does not approve " + String.join(", ", missing) + " (it approves "
                    + String.join(", ", request.images()) + ")", "ask for approval of the release being promoted");
        }
        if (!isUsableAt(time)) {
            throw new ApprovalInputException(name, "expired at " + expiresAt, "ask for a new approval");
        }
    }

    /** The record as JSON: the payload that is signed. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.set("request", request.toJsonNode());
        var list = root.putArray("approvals");
        approvals.forEach(a -> list.add(a.toJsonNode()));
        root.put("adminBypass", adminBypass);
        root.put("approvedAt", approvedAt.toString());
        root.put("expiresAt", expiresAt.toString());
        ObjectNode policy = root.putObject("policy");
        policy.put("file", policyFile);
        policy.put("digest", policyDigest);
        policy.put("required", required);
        groups.forEach(policy.putArray("groups")::add);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a record's JSON (the payload of a verified envelope); {@code name} is used in messages. */
    public static ApprovalRecord fromJson(String name, byte[] json) {
        JsonNode root = ApprovalRequest.readTree(name, json);
        String fix = "give the approval record as it was written";
        JsonFields fields = JsonFields.object(name, "", root, fix);
        fields.onlyFields(FIELDS);
        JsonFields policy = fields.child("policy", fix);
        policy.onlyFields(POLICY_FIELDS);
        JsonNode bypass = root.get("adminBypass");
        JsonNode required = policy.node().get("required");
        if (bypass == null || !bypass.isBoolean() || required == null || !required.isIntegralNumber()) {
            throw new ApprovalInputException(name, "adminBypass or policy.required is missing or of the wrong type", fix);
        }
        List<ApprovalDecision> approvals = ApprovalDecision.listFromJson(name, "approvals", root.path("approvals"));
        if (approvals.isEmpty()) {
            throw new ApprovalInputException(fields.where("approvals"), "is empty", fix);
        }
        return new ApprovalRecord(ApprovalRequest.fromJson(name, "request", root.get("request")), approvals, bypass.asBoolean(),
                fields.instant("approvedAt", fix), fields.instant("expiresAt", fix), policy.text("file", fix), policy.text("digest", fix),
                required.asInt(), policy.texts("groups", true, fix));
    }

    /** The record signed as a DSSE envelope (JSON bytes) with {@link #PAYLOAD_TYPE}. */
    public byte[] sign(SigningKey key) {
        return DsseEnvelope.sign(PAYLOAD_TYPE, toJson(), key);
    }

    /**
     * Verifies a signed record and reads it.
     *
     * @throws DsseEnvelope.NotVerified if no signature verifies with {@code key}
     * @throws io.jenkins.plugins.securedelivery.signing.SigningInputException if it is not an approval record envelope
     * @throws ApprovalInputException   if the signed payload is not an approval record
     */
    public static ApprovalRecord verify(String name, byte[] envelope, VerificationKey key) {
        return fromJson(name, DsseEnvelope.verify(name, envelope, PAYLOAD_TYPE, key).payload());
    }
}
