package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def approval = requestApproval(environment: 'prod', images: [...], ticket: 'CHG-1234', commitAuthor: '...')}:
 * asks for approval of a release under the environment's approval policy, with Approve and Reject buttons on the run
 * page, and waits (without an executor) until the policy says approved, rejected or expired. Returns the approvers;
 * fails the step when the request is rejected or expires. With a signing profile (the step's {@code signingProfile} or
 * the environment's {@code approvalSigningProfile}) it also writes the signed approval record into the workspace as
 * {@code approval-ENV.json} and returns its path as {@code record}. With {@code notify: ['releases']} the named webhooks
 * are told when the request opens and how it ended.
 */
public final class RequestApprovalStep extends Step {

    private final String environment;
    private List<String> images = new ArrayList<>();
    private String ticket;
    private String message;
    private String commitAuthor;
    private String sourceCommit;
    private String signingProfile;
    private List<String> notify = new ArrayList<>();

    @DataBoundConstructor
    public RequestApprovalStep(String environment) {
        this.environment = Util.fixEmptyAndTrim(environment);
    }

    public String getEnvironment() {
        return environment;
    }

    public List<String> getImages() {
        return images;
    }

    /** The images to approve, by digest: {@code registry/repository@sha256:<hex>}. */
    @DataBoundSetter
    public void setImages(List<String> images) {
        this.images = images == null ? new ArrayList<>() : new ArrayList<>(images);
    }

    public String getTicket() {
        return ticket;
    }

    @DataBoundSetter
    public void setTicket(String ticket) {
        this.ticket = Util.fixEmptyAndTrim(ticket);
    }

    public String getMessage() {
        return message;
    }

    /** Shown to the approvers on the run page. */
    @DataBoundSetter
    public void setMessage(String message) {
        this.message = Util.fixEmptyAndTrim(message);
    }

    public String getCommitAuthor() {
        return commitAuthor;
    }

    /** Who wrote the source commit (a Jenkins user id, or git's {@code Name <email>}); they may not approve. */
    @DataBoundSetter
    public void setCommitAuthor(String commitAuthor) {
        this.commitAuthor = Util.fixEmptyAndTrim(commitAuthor);
    }

    public String getSourceCommit() {
        return sourceCommit;
    }

    /** The commit the images were built from; default {@code GIT_COMMIT}. */
    @DataBoundSetter
    public void setSourceCommit(String sourceCommit) {
        this.sourceCommit = Util.fixEmptyAndTrim(sourceCommit);
    }

    public String getSigningProfile() {
        return signingProfile;
    }

    /** The signing profile (with a key) that signs the approval record; default: the environment's approvalSigningProfile. */
    @DataBoundSetter
    public void setSigningProfile(String signingProfile) {
        this.signingProfile = Util.fixEmptyAndTrim(signingProfile);
    }

    public List<String> getNotify() {
        return notify;
    }

    /** Webhooks of the global configuration told when the request opens and how it ended. */
    @DataBoundSetter
    public void setNotify(List<String> notify) {
        // The snippet generator's empty textbox binds as a list of one empty string.
        this.notify = notify == null ? new ArrayList<>()
                : notify.stream().filter(n -> n != null && !n.isBlank()).map(String::strip).collect(Collectors.toCollection(ArrayList::new));
    }

    @Override
    public StepExecution start(StepContext context) {
        return new ApprovalExecution(context, new ApprovalExecution.Request(environment, new ArrayList<>(images), ticket, message,
                commitAuthor, sourceCommit, signingProfile, new ArrayList<>(notify)));
    }

    @Extension
    @Symbol("requestApproval")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "requestApproval";
        }

        @Override
        public String getDisplayName() {
            return "Ask for approval of a release under the environment's approval policy";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
