package io.jenkins.plugins.securedelivery.approval;

import io.jenkins.plugins.securedelivery.approval.ApprovalDecision.Verdict;
import io.jenkins.plugins.securedelivery.approval.ApprovalState.NotCounted;
import io.jenkins.plugins.securedelivery.approval.ApprovalState.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules that turn a request and its decisions into a state. Decisions are taken in time order and the first to
 * settle the request (the N-th approval, or a rejection) settles it; later ones are reported, not counted.
 */
final class Evaluation {

    private final EnvironmentPolicy rules;
    private final ApprovalRequest request;
    private final Instant expiresAt;

    Evaluation(EnvironmentPolicy rules, ApprovalRequest request) {
        this.rules = rules;
        this.request = request;
        this.expiresAt = request.requestedAt().plus(rules.expiresAfter());
    }

    ApprovalState evaluate(List<ApprovalDecision> decisions, Instant now) {
        List<ApprovalDecision> ordered = new ArrayList<>(decisions);
        ordered.sort(Comparator.comparing(ApprovalDecision::decidedAt));
        Map<String, ApprovalDecision> counted = new LinkedHashMap<>();
        List<NotCounted> notCounted = new ArrayList<>();
        ApprovalDecision rejection = null;
        boolean bypass = false;
        Status settled = null;
        for (ApprovalDecision d : ordered) {
            String refused = settled != null ? "came after the request was already " + settled.name().toLowerCase(Locale.ROOT)
                    : d.decidedAt().isBefore(request.requestedAt()) ? "is dated before the request was made (" + request.requestedAt() + ")"
                    : d.decidedAt().isAfter(now) ? "is dated in the future (it is now " + now + ")"
                    : !d.decidedAt().isBefore(expiresAt) ? "came after the request expired at " + expiresAt
                    : refusal(d, counted);
            if (refused != null) {
                notCounted.add(new NotCounted(d, refused));
            } else if (d.verdict() == Verdict.REJECT) {
                rejection = d;
                settled = Status.REJECTED;
            } else {
                counted.put(identity(d.approver()), d);
                if (!inAllowedGroup(d)) {
                    bypass = true;
                    settled = Status.APPROVED;
                } else if (counted.size() >= rules.required()) {
                    settled = Status.APPROVED;
                }
            }
        }
        Status status = settled == Status.REJECTED ? Status.REJECTED
                : !now.isBefore(expiresAt) ? Status.EXPIRED
                : settled == Status.APPROVED ? Status.APPROVED
                : Status.PENDING;
        List<ApprovalDecision> approvals = List.copyOf(counted.values());
        List<String> cannotApprove = new ArrayList<>();
        cannotApprove.add(request.commitAuthor() + " (commit author)");
        if (!sameIdentity(request.startedBy(), request.commitAuthor())) {
            cannotApprove.add(request.startedBy() + " (started the run)");
        }
        approvals.forEach(a -> cannotApprove.add(a.approver() + " (already approved)"));
        return new ApprovalState(status, rules.environment(), rules.required(), approvals, rejection, notCounted, bypass && status == Status.APPROVED,
                rules.groups(), cannotApprove, expiresAt, reason(status, approvals, rejection, bypass, cannotApprove));
    }

    /** Why an eligible-looking decision does not count, or null when it does. */
    private String refusal(ApprovalDecision d, Map<String, ApprovalDecision> counted) {
        if (d.verdict() == Verdict.APPROVE) {
            String self = selfRole(d);
            if (self != null) {
                return "no self-approval: " + d.approver() + " is " + self;
            }
        }
        boolean admin = rules.adminGroup() != null && d.groups().contains(rules.adminGroup());
        if (!inAllowedGroup(d) && !(admin && rules.adminBypass())) {
            return admin
                    ? d.approver() + " is in the admin group " + rules.adminGroup() + ", but the policy for " + rules.environment() + " allows no admin bypass"
                    : d.approver() + " is neither named nor in any of the groups allowed to approve " + rules.environment() + " (" + String.join(", ", rules.groups())
                            + (d.groups().isEmpty() ? "); no groups were given for them" : "); their groups: " + String.join(", ", d.groups()));
        }
        if (d.verdict() == Verdict.APPROVE) {
            for (ApprovalDecision earlier : counted.values()) {
                if (sameIdentity(earlier.approver(), d.approver()) || (d.email() != null && sameIdentity(earlier.email(), d.email()))) {
                    return "duplicate: " + earlier.approver() + " already approved at " + earlier.decidedAt() + "; one person counts once";
                }
            }
        }
        return null;
    }

    /**
     * A member of one of the groups, or a user the list names by id: as Jenkins' own input step takes submitters, so a
     * controller whose user database has no groups (Jenkins' own, where everyone is only {@code authenticated}) can
     * still name its approvers.
     */
    private boolean inAllowedGroup(ApprovalDecision d) {
        return d.groups().stream().anyMatch(rules.groups()::contains) || rules.groups().stream().anyMatch(g -> sameIdentity(g, d.approver()));
    }

    /** "the commit author" or "the user who started the run" when the approver is one of them, else null. */
    private String selfRole(ApprovalDecision d) {
        String author = request.commitAuthor();
        int open = author.lastIndexOf('<');
        String authorEmail = open >= 0 && author.endsWith(">") ? author.substring(open + 1, author.length() - 1) : null;
        for (String identity : new String[] {d.approver(), d.email()}) {
            if (identity == null) {
                continue;
            }
            if (sameIdentity(identity, author) || sameIdentity(identity, authorEmail)) {
                return "the commit author (" + author + ")";
            }
            if (sameIdentity(identity, request.startedBy())) {
                return "the user who started the run";
            }
        }
        return null;
    }

    private static boolean sameIdentity(String a, String b) {
        return a != null && b != null && identity(a).equals(identity(b));
    }

    private static String identity(String id) {
        return id.strip().toLowerCase(Locale.ROOT);
    }

    private String reason(Status status, List<ApprovalDecision> approvals, ApprovalDecision rejection, boolean bypass, List<String> cannotApprove) {
        String names = String.join(", ", approvals.stream().map(ApprovalDecision::approver).toList());
        return switch (status) {
            case APPROVED -> bypass
                    ? "approved by " + names + " alone, through the admin bypass the policy allows for " + rules.environment()
                    : "approved by " + names + " (" + approvals.size() + " of " + rules.required() + " required, from " + String.join(", ", rules.groups()) + ")";
            case REJECTED -> "rejected by " + rejection.approver() + " at " + rejection.decidedAt() + ": "
                    + (rejection.comment() == null ? "no reason given" : rejection.comment());
            case EXPIRED -> "expired at " + expiresAt + " with " + approvals.size() + " of " + rules.required()
                    + " approvals; an expired request is never approved: request approval again";
            case PENDING -> approvals.size() + " of " + rules.required() + " approvals; members of " + String.join(", ", rules.groups())
                    + (rules.adminBypass() ? " (or one member of " + rules.adminGroup() + ")" : "")
                    + " may approve, except " + String.join(", ", cannotApprove) + "; expires at " + expiresAt;
        };
    }
}
