package io.jenkins.plugins.securedelivery.plugin.steps;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Cause;
import hudson.model.Computer;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.approval.ApprovalInputException;
import io.jenkins.plugins.securedelivery.approval.ApprovalPolicy;
import io.jenkins.plugins.securedelivery.approval.ApprovalRecord;
import io.jenkins.plugins.securedelivery.approval.ApprovalRequest;
import io.jenkins.plugins.securedelivery.approval.ApprovalState;
import io.jenkins.plugins.securedelivery.approval.EnvironmentPolicy;
import io.jenkins.plugins.securedelivery.notify.Link;
import io.jenkins.plugins.securedelivery.notify.Notification;
import io.jenkins.plugins.securedelivery.plugin.actions.ApprovalAction;
import io.jenkins.plugins.securedelivery.plugin.config.Environment;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import io.jenkins.plugins.securedelivery.plugin.config.SigningProfile;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jenkins.model.CauseOfInterruption;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * {@code requestApproval} as a state machine (ARCHITECTURE principle 4): the request, its pinned policy and every
 * decision live in the run's {@link ApprovalAction} (saved with the run); this execution only evaluates them with
 * core's pure function when a decision arrives and on one {@link Timer} tick at the expiry, and holds no executor and no
 * thread in between. After a restart {@link #onResume()} evaluates again from what the run saved. With a signing
 * profile, an approved request's record is signed on the agent that holds the workspace (where the key is unlocked, as
 * for every signing step: its scrypt derivation is agent work, and the record belongs in the workspace anyway).
 */
final class ApprovalExecution extends StepExecution implements ApprovalAction.Waiter {

    private static final long serialVersionUID = 1L;

    /** A class, not a record: the Pipeline's program is written by JBoss Marshalling, which cannot read a package-private record's components. */
    static final class Request implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String environment;
        private final List<String> images;
        private final String ticket;
        private final String message;
        private final String commitAuthor;
        private final String sourceCommit;
        private final String signingProfile;
        private final List<String> notify;

        Request(String environment, List<String> images, String ticket, String message, String commitAuthor, String sourceCommit,
                String signingProfile, List<String> notify) {
            this.environment = environment;
            this.images = images;
            this.ticket = ticket;
            this.message = message;
            this.commitAuthor = commitAuthor;
            this.sourceCommit = sourceCommit;
            this.signingProfile = signingProfile;
            this.notify = notify;
        }

        List<String> webhooks() {
            return notify;
        }

        String signingProfile() {
            return signingProfile;
        }

        String environment() {
            return environment;
        }

        List<String> images() {
            return images;
        }

        String ticket() {
            return ticket;
        }

        String message() {
            return message;
        }

        String commitAuthor() {
            return commitAuthor;
        }

        String sourceCommit() {
            return sourceCommit;
        }
    }

    private final Request request;
    private final String id = UUID.randomUUID().toString();
    /** The last reason logged, so the log gets a line only when the state moves. */
    private volatile String shown;
    /** The signing profile of the approval record, checked when the request was made; null: no record. */
    private volatile String recordProfile;
    /** The webhooks told of the request, checked when it was made; null in a program saved before notify existed. */
    private volatile Notifier notifier;
    private transient volatile ScheduledFuture<?> tick;
    @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "false after a restart: the resumed request has not finished")
    private transient boolean finished;

    ApprovalExecution(StepContext context, Request request) {
        super(context);
        this.request = request;
    }

    @Override
    public String approvalId() {
        return id;
    }

    @Override
    public boolean start() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        TaskListener listener = getContext().get(TaskListener.class);
        if (request.environment() == null) {
            throw new AbortException("requestApproval: give environment: 'prod' (an environment of the global configuration with an approvalPolicy)");
        }
        Environment environment = SecureDeliveryConfiguration.get().environment(request.environment()).orElseThrow(() -> new AbortException(
                "requestApproval: environment '" + request.environment() + "' is not in the global configuration (secureDelivery.environments): add it, with its approvalPolicy"));
        Notifier notifying = Notifier.of("requestApproval", request.webhooks());
        String policyName = "approvalPolicy of environment '" + request.environment() + "'";
        String policyYaml = policyYaml(environment, policyName);
        recordProfile = recordProfile(environment);
        ApprovalRequest approvalRequest = approvalRequest(run);
        EnvironmentPolicy rules;
        try {
            // Refuses up front what can never be approved: no rules for the environment, a missing or malformed ticket.
            rules = ApprovalPolicy.parse(policyName, policyYaml.getBytes(StandardCharsets.UTF_8)).check(approvalRequest);
        } catch (RuntimeException e) {
            throw new AbortException("requestApproval: " + e.getMessage());
        }
        ApprovalAction.open(run, id, approvalRequest, policyName, policyYaml, request.message());
        String page = ReleaseCommits.runUrl(run);
        listener.getLogger().println("Approval to " + request.environment() + " requested" + (request.ticket() == null ? "" : " (" + request.ticket() + ")")
                + " for " + String.join(", ", approvalRequest.images()) + "; approve or reject on " + (page == null ? "the run page" : page));
        notifier = notifying;
        if (!notifying.isEmpty()) {
            Notifier.Message opened = opened(run, approvalRequest, rules, page);
            Computer.threadPoolForRemoting.submit(() -> notifying.send(run, listener, opened));
        }
        evaluate();
        return false;
    }

    @Override
    public void onResume() {
        Computer.threadPoolForRemoting.submit(this::evaluate);
    }

    @Override
    public void decided() {
        Computer.threadPoolForRemoting.submit(this::evaluate);
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        synchronized (this) {
            finished = true;
            cancelTick();
        }
        Run<?, ?> run = getContext().get(Run.class);
        ApprovalAction.Approval approval = ApprovalAction.find(run, id);
        if (approval != null) {
            approval.cancel("the run was stopped while waiting: " + why(cause));
            run.save();
        }
        Notifier n = notifier;
        if (n != null && !n.isEmpty()) {
            TaskListener listener = getContext().get(TaskListener.class);
            Notifier.Message cancelled = ended(run, "CANCELLED", "the run was stopped while waiting: " + cause);
            Computer.threadPoolForRemoting.submit(() -> n.send(run, listener, cancelled));
        }
        getContext().onFailure(cause);
    }

    /** Who or what stopped the run, as Jenkins words it ("Aborted by alice", "Timeout has been exceeded"), not an exception's class. */
    static String why(Throwable cause) {
        if (cause instanceof FlowInterruptedException interrupted && !interrupted.getCauses().isEmpty()) {
            return interrupted.getCauses().stream().map(CauseOfInterruption::getShortDescription).collect(Collectors.joining("; "));
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public String getStatus() {
        return "waiting for approval to " + request.environment() + (shown == null ? "" : ": " + shown);
    }

    private synchronized void evaluate() {
        if (finished) {
            return;
        }
        try {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            ApprovalAction.Approval approval = ApprovalAction.find(run, id);
            if (approval == null) {
                throw new AbortException("the approval request " + id + " is no longer on " + run + ": ask again");
            }
            Instant now = Instant.now();
            ApprovalState state = approval.evaluate(now);
            if (!state.reason().equals(shown)) {
                listener.getLogger().println("Approval to " + request.environment() + ": " + state.status() + ": " + state.reason());
                shown = state.reason();
                run.save();
            }
            cancelTick();
            if (!state.isFinal()) {
                // One tick at the expiry, so an unanswered request ends EXPIRED without anyone polling it.
                Duration untilExpiry = Duration.between(now, state.expiresAt()).plusSeconds(1);
                tick = Timer.get().schedule(() -> Computer.threadPoolForRemoting.submit(this::evaluate),
                        Math.max(1000, untilExpiry.toMillis()), TimeUnit.MILLISECONDS);
                return;
            }
            finished = true;
            listener.getLogger().print(state.summary());
            Notifier n = notifier;
            if (n != null && !n.isEmpty()) {
                // Sent before the step ends, on this pool thread, so its log line is in the build's log; core bounds the retries.
                n.send(run, listener, ended(run, state.status().name(), state.reason()));
            }
            if (state.isApproved()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("status", state.status().name());
                result.put("environment", state.environment());
                result.put("approvers", new ArrayList<>(state.approvers()));
                result.put("adminBypass", state.adminBypass());
                result.put("expiresAt", state.expiresAt().toString());
                result.put("record", recordProfile == null ? null : writeRecord(run, listener, approval, now));
                getContext().onSuccess(result);
            } else {
                getContext().onFailure(new AbortException("approval to " + request.environment() + " " + state.status() + ": " + state.reason()));
            }
        } catch (Exception e) {
            finished = true;
            cancelTick();
            getContext().onFailure(e);
        }
    }

    /** The request as the approvers' channel shows it: what, where, who asked, under which rules, and where to decide. */
    private Notifier.Message opened(Run<?, ?> run, ApprovalRequest approvalRequest, EnvironmentPolicy rules, String page) {
        String title = "Approval needed: " + run.getFullDisplayName() + " to " + request.environment()
                + (request.ticket() == null ? "" : " (" + request.ticket() + ")");
        StringBuilder text = new StringBuilder();
        text.append("*Environment:* ").append(request.environment()).append('\n');
        text.append("*Images:* ").append(String.join(", ", approvalRequest.images().stream().map(i -> "`" + i + "`").toList())).append('\n');
        if (request.ticket() != null) {
            text.append("*Ticket:* ").append(request.ticket()).append('\n');
        }
        text.append("*Requested by:* ").append(approvalRequest.startedBy()).append('\n');
        text.append("*Source commit:* `").append(approvalRequest.sourceCommit()).append("` by ").append(approvalRequest.commitAuthor()).append('\n');
        text.append("*Policy:* ").append(policySummary(rules)).append('\n');
        if (request.message() != null) {
            text.append("*Message:* ").append(request.message()).append('\n');
        }
        List<Link> links = page == null ? List.of() : List.of(Link.approve(page), Link.reject(page), Link.plain("Open the run", page));
        return new Notifier.Message("approval requested", new Notification(title, text.toString().strip(), links),
                Notifier.PagerDuty.TRIGGER_INFO, dedupKey(run), request.environment() + "/" + run.getParent().getFullName());
    }

    /** How the request ended; PagerDuty resolves the alert the request opened. */
    private Notifier.Message ended(Run<?, ?> run, String outcome, String reason) {
        String page = ReleaseCommits.runUrl(run);
        String title = "Approval " + outcome + ": " + run.getFullDisplayName() + " to " + request.environment()
                + (request.ticket() == null ? "" : " (" + request.ticket() + ")");
        List<Link> links = page == null ? List.of() : List.of(Link.plain("Open the run", page));
        return new Notifier.Message("approval " + outcome, new Notification(title, "*Outcome:* " + outcome + ": " + reason, links),
                Notifier.PagerDuty.RESOLVE, dedupKey(run), request.environment() + "/" + run.getParent().getFullName());
    }

    private String dedupKey(Run<?, ?> run) {
        return "approval/" + request.environment() + "/" + run.getExternalizableId() + "/" + id;
    }

    private static String policySummary(EnvironmentPolicy rules) {
        return rules.required() + " approval" + (rules.required() == 1 ? "" : "s") + " from " + String.join(", ", rules.groups())
                + (rules.ticket().required() ? "; a change ticket is required" : "")
                + "; expires after " + rules.expiresAfter().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + (rules.adminBypass() && rules.adminGroup() != null ? "; one member of " + rules.adminGroup() + " may approve alone" : "")
                + "; the commit author and the run's starter may not approve";
    }

    /** The profile that will sign the record, refused now if it cannot: a wrong name must not surface after the approvers acted. */
    private String recordProfile(Environment environment) throws IOException, InterruptedException {
        String name = request.signingProfile() != null ? request.signingProfile() : environment.getApprovalSigningProfile();
        if (name == null) {
            return null;
        }
        SigningProfile profile = SecureDeliveryConfiguration.get().signingProfile(name).orElseThrow(() -> new AbortException(
                "requestApproval: signing profile '" + name + "' is not in the global configuration (secureDelivery.signingProfiles): "
                        + "add it, or fix signingProfile / the environment's approvalSigningProfile"));
        if (profile.isKeyless()) {
            throw new AbortException("requestApproval: signing profile '" + name + "' is keyless, and approval records are signed with a key: "
                    + "give a profile with keyCredentialsId");
        }
        if (getContext().get(FilePath.class) == null) {
            throw new AbortException("requestApproval: with signing profile '" + name + "' the signed approval record is written into the workspace: "
                    + "call requestApproval inside node { }");
        }
        return name;
    }

    /** The approved request's record, signed on the agent into approval-ENV.json; returns that path, relative to the workspace. */
    private String writeRecord(Run<?, ?> run, TaskListener listener, ApprovalAction.Approval approval, Instant now)
            throws IOException, InterruptedException {
        FilePath workspace = getContext().get(FilePath.class);
        if (workspace == null) {
            throw new AbortException("requestApproval: approved, but the workspace is no longer available to write the approval record into: "
                    + "run the step again once the agent is back");
        }
        ApprovalRecord record = ApprovalRecord.approved(approval.policy(), approval.request(), approval.decisions(), now);
        SignerAccess signer = SignerAccess.resolve(run, null, null, recordProfile);
        String file = "approval-" + request.environment() + ".json";
        workspace.act(new SignRecord(file, record.toJson(), signer, listener));
        approval.recorded(file);
        run.save();
        return file;
    }

    /** Signs the record where the workspace is and writes it whole or not at all. */
    static final class SignRecord extends AgentWork<Void> {
        private static final long serialVersionUID = 1L;
        private final String file;
        private final byte[] record;
        private final SignerAccess signer;

        SignRecord(String file, byte[] record, SignerAccess signer, TaskListener listener) {
            super(listener);
            this.file = file;
            this.record = record;
            this.signer = signer;
        }

        @Override
        Void work(File workspace) throws IOException {
            byte[] envelope = ApprovalRecord.fromJson(file, record).sign(signer.signingKey());
            AtomicFile.write(workspace.toPath().resolve(file), envelope);
            listener.getLogger().println("Signed approval record written to " + file + " with " + signer);
            return null;
        }
    }

    private void cancelTick() {
        ScheduledFuture<?> t = tick;
        if (t != null) {
            t.cancel(false);
            tick = null;
        }
    }

    private ApprovalRequest approvalRequest(Run<?, ?> run) throws IOException, InterruptedException {
        EnvVars env = getContext().get(EnvVars.class);
        String sourceCommit = request.sourceCommit() != null ? request.sourceCommit() : env == null ? null : env.get("GIT_COMMIT");
        if (sourceCommit == null) {
            throw new AbortException("requestApproval: no sourceCommit was given and GIT_COMMIT is not set: give sourceCommit: '<the commit the images were built from>'");
        }
        if (request.commitAuthor() == null) {
            throw new AbortException("requestApproval: give commitAuthor: (the source commit's author, a user id or \"Name <email>\"): "
                    + "without it self-approval cannot be refused");
        }
        Cause.UserIdCause cause = run.getCause(Cause.UserIdCause.class);
        // A run started by a trigger has no user; the name can match no one, so it refuses no approver.
        String startedBy = cause == null || cause.getUserId() == null ? "(a trigger: " + run.getCauses() + ")" : cause.getUserId();
        try {
            return new ApprovalRequest(request.environment(), request.images(), sourceCommit, request.commitAuthor(), startedBy,
                    request.ticket(), Instant.now(), ReleaseCommits.runUrl(run));
        } catch (RuntimeException e) {
            throw new AbortException("requestApproval: " + e.getMessage());
        }
    }

    /**
     * The environment's policy as a whole policy file: its own rules (groups, required...) are wrapped as
     * {@code environments: {NAME: ...}}; a whole policy (with {@code environments:}) is taken as it is; a single absolute
     * path is read on the controller. The text is pinned in the request, so later edits do not move a pending request.
     */
    private static String policyYaml(Environment environment, String name) throws IOException {
        String text = environment.getApprovalPolicy();
        if (text == null) {
            throw new AbortException("requestApproval: environment '" + environment.getName() + "' has no approvalPolicy: add its rules "
                    + "(groups, required, expiresAfter; docs/approvals.md) to the environment in the global configuration");
        }
        if (Environment.isPolicyFile(text)) {
            Path file = Path.of(text);
            if (!Files.isReadable(file)) {
                throw new AbortException(name + ": the policy file " + file + " cannot be read on the controller: check the path");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        try {
            return ApprovalPolicy.wholePolicyText(name, environment.getName(), text);
        } catch (ApprovalInputException e) {
            throw new AbortException(e.getMessage());
        }
    }
}
