package io.jenkins.plugins.securedelivery.approval;

import java.time.Instant;
import java.util.List;

/**
 * Where an approval request stands at one moment, and why: what {@link ApprovalPolicy#evaluate} answers. Every
 * decision given is either counted or listed in {@link #notCounted()} with its reason; none is dropped silently.
 *
 * @param status          pending, approved, rejected or expired
 * @param environment     the environment asked for
 * @param required        approvals needed
 * @param approvals       the approvals counted, one per person, in the order given
 * @param rejection       the rejection that decided the request, or null
 * @param notCounted      decisions that did not count, each with why (self-approval, not in an allowed group, a duplicate...)
 * @param adminBypass     true when an administrator approved alone, as the policy allows
 * @param eligibleGroups  the groups whose members may approve
 * @param cannotApprove   who may not (or need not) approve any more: the commit author, the run's starter, those who approved
 * @param expiresAt       when the request expires: no approval counts from then on, and an approved request is no longer usable
 * @param reason          one line for logs and the run page
 */
public record ApprovalState(Status status, String environment, int required, List<ApprovalDecision> approvals, ApprovalDecision rejection,
        List<NotCounted> notCounted, boolean adminBypass, List<String> eligibleGroups, List<String> cannotApprove, Instant expiresAt,
        String reason) {

    public enum Status {
        /** Waiting for more approvals: poll again. */
        PENDING,
        /** Enough eligible approvals (or an allowed admin bypass) before the expiry. */
        APPROVED,
        /** An eligible approver rejected it. */
        REJECTED,
        /** The expiry passed: never approved, whatever comes later. */
        EXPIRED
    }

    /** A decision that did not count, and why. */
    public record NotCounted(ApprovalDecision decision, String reason) {}

    public ApprovalState {
        approvals = List.copyOf(approvals);
        notCounted = List.copyOf(notCounted);
        eligibleGroups = List.copyOf(eligibleGroups);
        cannotApprove = List.copyOf(cannotApprove);
    }

    public boolean isApproved() {
        return status == Status.APPROVED;
    }

    /** Whether waiting longer can change the answer. */
    public boolean isFinal() {
        return status != Status.PENDING;
    }

    /** The user ids counted, for the promotion commit's {@code Approved-By} trailers. */
    public List<String> approvers() {
        return approvals.stream().map(ApprovalDecision::approver).toList();
    }

    /** Several lines: the status and reason, then each decision that did not count. */
    public String summary() {
        StringBuilder text = new StringBuilder(status.name()).append(' ').append(environment).append(": ").append(reason).append('\n');
        for (ApprovalDecision approval : approvals) {
            text.append("  counted     ").append(approval.approver()).append(" approved at ").append(approval.decidedAt())
                    .append(approval.comment() == null ? "" : ": " + approval.comment()).append('\n');
        }
        for (NotCounted n : notCounted) {
            text.append("  not counted ").append(n.decision().approver())
                    .append(n.decision().verdict() == ApprovalDecision.Verdict.APPROVE ? " approved" : " rejected").append(" at ").append(n.decision().decidedAt())
                    .append(": ").append(n.reason()).append('\n');
        }
        return text.toString();
    }
}
