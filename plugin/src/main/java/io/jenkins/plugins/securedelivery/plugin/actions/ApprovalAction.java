package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Item;
import hudson.model.Run;
import hudson.model.User;
import hudson.security.ACL;
import io.jenkins.plugins.securedelivery.approval.ApprovalDecision;
import io.jenkins.plugins.securedelivery.approval.ApprovalPolicy;
import io.jenkins.plugins.securedelivery.approval.ApprovalRequest;
import io.jenkins.plugins.securedelivery.approval.ApprovalState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import jenkins.model.Jenkins;
import jenkins.model.RunAction2;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.interceptor.RequirePOST;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The approvals a run asked for, with Approve and Reject buttons on the run page (POST {@code approval/approve} and
 * {@code approval/reject}, with Jenkins' CSRF crumb). Anyone who may read the job may press them; whether the decision
 * counts is the environment's approval policy's call (core's {@link ApprovalPolicy#evaluate}), which refuses the commit's
 * author, the user who started the run, and anyone outside the policy's groups. Jenkins administrators get no bypass
 * unless the policy grants one. Requests, policies and decisions are kept here as JSON, so they are saved with the run
 * and a waiting step picks them up again after a restart.
 */
@ExportedBean
public final class ApprovalAction implements RunAction2 {

    private final List<Approval> approvals = new ArrayList<>();
    private transient Run<?, ?> run;

    /** A step execution that waits for the decisions on one request. */
    public interface Waiter {
        String approvalId();

        /** A decision was recorded: evaluate again. Called on a request thread; must not block. */
        void decided();
    }

    /** Adds a request to the run's approvals, saved with the run. */
    public static Approval open(Run<?, ?> run, String id, ApprovalRequest request, String policyName, String policyYaml, String message)
            throws IOException {
        Approval approval = new Approval(id, request.environment(), request.toJson(), policyName, policyYaml, message);
        synchronized (run) {
            ApprovalAction action = run.getAction(ApprovalAction.class);
            if (action == null) {
                action = new ApprovalAction();
                run.addAction(action);
            }
            action.add(approval);
        }
        run.save();
        return approval;
    }

    public static Approval find(Run<?, ?> run, String id) {
        ApprovalAction action = run.getAction(ApprovalAction.class);
        return action == null ? null : action.approval(id);
    }

    private synchronized void add(Approval approval) {
        approvals.add(approval);
    }

    synchronized Approval approval(String id) {
        return approvals.stream().filter(a -> a.id.equals(id)).findFirst().orElse(null);
    }

    @Exported(visibility = 2)
    public synchronized List<Approval> getApprovals() {
        return List.copyOf(approvals);
    }

    /** The run's URL relative to the context path, for the page's forms. */
    public String getRunUrl() {
        return run == null ? null : run.getUrl();
    }

    @RequirePOST
    public HttpResponse doApprove(@QueryParameter String id, @QueryParameter String comment) throws IOException {
        return decide(id, ApprovalDecision.Verdict.APPROVE, comment);
    }

    @RequirePOST
    public HttpResponse doReject(@QueryParameter String id, @QueryParameter String comment) throws IOException {
        return decide(id, ApprovalDecision.Verdict.REJECT, comment);
    }

    private HttpResponse decide(String id, ApprovalDecision.Verdict verdict, String comment) throws IOException {
        run.getParent().checkPermission(Item.READ);
        Authentication authentication = Jenkins.getAuthentication2();
        User user = User.current();
        if (ACL.isAnonymous2(authentication) || user == null) {
            return HttpResponses.errorWithoutStack(403, "sign in to approve or reject: decisions are recorded by user");
        }
        Approval approval = id == null ? null : approval(id);
        if (approval == null) {
            return HttpResponses.errorWithoutStack(404, "this run has no approval request '" + id + "'");
        }
        List<String> groups = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).distinct().toList();
        ApprovalDecision decision = new ApprovalDecision(user.getId(), null, groups, verdict,
                comment == null || comment.isBlank() ? null : comment.strip(), Instant.now());
        String refusal = approval.decide(decision);
        run.save();
        if (refusal != null) {
            return HttpResponses.errorWithoutStack(403, refusal);
        }
        StepExecution.acceptAll((Consumer<StepExecution>) execution -> {
            if (execution instanceof Waiter waiter && waiter.approvalId().equals(id)) {
                waiter.decided();
            }
        });
        return HttpResponses.redirectTo("../");
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** No sidebar link: the requests and their buttons are in the run page's summary. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "Approvals";
    }

    @Override
    public String getUrlName() {
        return "approval";
    }

    /** One decision as {@code api/json} shows it; made when asked for, never saved. */
    @ExportedBean
    public static final class Decision {
        private final ApprovalDecision decision;
        private final boolean counted;
        private final String reason;

        Decision(ApprovalDecision decision, boolean counted, String reason) {
            this.decision = decision;
            this.counted = counted;
            this.reason = reason;
        }

        /** The user id of who decided. */
        @Exported(visibility = 4)
        public String getApprover() {
            return decision.approver();
        }

        /** {@code approve} or {@code reject}. */
        @Exported(visibility = 4)
        public String getDecision() {
            return decision.verdict().name().toLowerCase(Locale.ROOT);
        }

        /** When, as an ISO-8601 instant. */
        @Exported(visibility = 4)
        public String getTime() {
            return decision.decidedAt().toString();
        }

        @Exported(visibility = 4)
        public String getComment() {
            return decision.comment();
        }

        /** The approver's groups when they decided, which the policy's eligible groups are matched against. */
        @Exported(visibility = 4)
        public List<String> getGroups() {
            return decision.groups();
        }

        /** Whether the decision counted toward the request's outcome. */
        @Exported(visibility = 4)
        public boolean getCounted() {
            return counted;
        }

        /** Why it did not count (self-approval, not in an eligible group, a second decision...); null when it counted. */
        @Exported(visibility = 4)
        public String getReason() {
            return reason;
        }
    }

    /** One approval request, its policy, the decisions recorded, and where it stands. */
    @ExportedBean
    public static final class Approval {
        private final String id;
        private final String environment;
        private final String request;
        private final String policyName;
        private final String policy;
        private final String message;
        private String decisions = "[]";
        private String status = ApprovalState.Status.PENDING.name();
        private String reason;
        private List<String> approvers = new ArrayList<>();
        private String record;

        Approval(String id, String environment, String request, String policyName, String policy, String message) {
            this.id = id;
            this.environment = environment;
            this.request = request;
            this.policyName = policyName;
            this.policy = policy;
            this.message = message;
        }

        /** The state at {@code now} under the policy pinned when the request was made; remembered for the run page. */
        public synchronized ApprovalState evaluate(Instant now) {
            ApprovalState state = policy().evaluate(request(), decisions(), now);
            status = state.status().name();
            reason = state.reason();
            approvers = new ArrayList<>(state.approvers());
            return state;
        }

        /** Records a decision (also one that does not count: the record keeps every decision); returns why it does not count, or null. */
        synchronized String decide(ApprovalDecision decision) {
            if (!ApprovalState.Status.PENDING.name().equals(status)) {
                return "the request for " + environment + " is already " + status.toLowerCase(Locale.ROOT) + ": " + reason;
            }
            List<ApprovalDecision> all = new ArrayList<>(decisions());
            all.add(decision);
            decisions = ApprovalDecision.toJson(all);
            ApprovalState state = evaluate(decision.decidedAt());
            for (ApprovalState.NotCounted n : state.notCounted()) {
                if (n.decision().equals(decision)) {
                    return (decision.verdict() == ApprovalDecision.Verdict.APPROVE ? "your approval" : "your rejection") + " does not count: " + n.reason();
                }
            }
            return null;
        }

        public ApprovalPolicy policy() {
            return ApprovalPolicy.parse(policyName, policy.getBytes(StandardCharsets.UTF_8));
        }

        public ApprovalRequest request() {
            return ApprovalRequest.fromJson("approval request " + id, request.getBytes(StandardCharsets.UTF_8));
        }

        public synchronized List<ApprovalDecision> decisions() {
            return ApprovalDecision.listFromJson("decisions on approval request " + id, decisions.getBytes(StandardCharsets.UTF_8));
        }

        @Exported(visibility = 3)
        public String getId() {
            return id;
        }

        @Exported(visibility = 3)
        public String getEnvironment() {
            return environment;
        }

        @Exported(visibility = 3)
        public String getMessage() {
            return message;
        }

        @Exported(visibility = 3)
        public String getTicket() {
            return request().ticket();
        }

        @Exported(visibility = 3)
        public List<String> getImages() {
            return request().images();
        }

        /** PENDING, APPROVED, REJECTED or EXPIRED; CANCELLED when the run was stopped while it waited. */
        @Exported(visibility = 3)
        public synchronized String getStatus() {
            return status;
        }

        @Exported(visibility = 3)
        public synchronized String getReason() {
            return reason;
        }

        @Exported(visibility = 3)
        public synchronized List<String> getApprovers() {
            return List.copyOf(approvers);
        }

        /**
         * Every decision given, in order, and whether it counted: the policy pinned with the request judges them as they
         * stood after the last one. The run keeps them as one JSON string (the field {@code decisions}, as runs saved
         * before this was exported always did); only what {@code api/json} shows is structured.
         */
        @Exported(visibility = 3)
        public synchronized List<Decision> getDecisions() {
            List<ApprovalDecision> all = decisions();
            if (all.isEmpty()) {
                return List.of();
            }
            ApprovalState state = policy().evaluate(request(), all, all.get(all.size() - 1).decidedAt());
            Map<ApprovalDecision, String> notCounted = new HashMap<>();
            for (ApprovalState.NotCounted n : state.notCounted()) {
                notCounted.putIfAbsent(n.decision(), n.reason());
            }
            return all.stream().map(d -> new Decision(d, !notCounted.containsKey(d), notCounted.get(d))).toList();
        }

        /** The signed approval record written into the workspace, relative to it; null when none was signed. */
        @Exported(visibility = 3)
        public synchronized String getRecord() {
            return record;
        }

        public synchronized void recorded(String file) {
            record = file;
        }

        public synchronized boolean isPending() {
            return ApprovalState.Status.PENDING.name().equals(status);
        }

        /** The run was stopped while the request waited: no decision can settle it any more. */
        public synchronized void cancel(String why) {
            if (isPending()) {
                status = "CANCELLED";
                reason = why;
            }
        }
    }
}
