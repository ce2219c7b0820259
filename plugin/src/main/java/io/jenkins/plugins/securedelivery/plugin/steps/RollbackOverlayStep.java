package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.gitops.OverlayEditor;
import io.jenkins.plugins.securedelivery.gitops.Rollback;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code rollbackOverlay(environment: 'prod')}: one commit restoring every image of the release before the current
 * one (or of the release {@code to:} names), with trailers marking it a rollback; returns the commit.
 */
public final class RollbackOverlayStep extends GitOpsStep {

    private String to;
    private String author;

    @DataBoundConstructor
    public RollbackOverlayStep(String environment) {
        super(environment);
    }

    public String getTo() {
        return to;
    }

    /** The GitOps commit (or a unique prefix) whose release to restore; by default the previous release. */
    @DataBoundSetter
    public void setTo(String to) {
        this.to = Util.fixEmptyAndTrim(to);
    }

    public String getAuthor() {
        return author;
    }

    @DataBoundSetter
    public void setAuthor(String author) {
        this.author = Util.fixEmptyAndTrim(author);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    record Request(GitAccess git, String to, String runUrl, String author) implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient RollbackOverlayStep step;

        Execution(StepContext context, RollbackOverlayStep step) {
            super(context);
            this.step = step;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            ReleaseCommits.checkAuthor(step.author);
            GitAccess git = step.git(run);
            ReleaseCommits.Outcome outcome = workspace.act(new RollBack(new Request(git, step.to, ReleaseCommits.runUrl(run), step.author), listener));
            ReleaseCommits.record(run, git, outcome);
            return outcome.commit();
        }
    }

    static final class RollBack extends AgentWork<ReleaseCommits.Outcome> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        RollBack(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        ReleaseCommits.Outcome work(File workspace) throws IOException {
            try (SecretFiles files = new SecretFiles()) {
                Rollback rollback = request.git().configure(new Rollback(), workspace, files);
                if (request.to() == null) {
                    rollback.previous();
                } else {
                    rollback.to(request.to());
                }
                rollback.editor(pins -> new OverlayEditor(pins, false)).runUrl(request.runUrl());
                ReleaseCommits.applyAuthor(rollback, request.author());
                ReleaseCommits.Outcome outcome = ReleaseCommits.Outcome.of(rollback.call());
                listener.getLogger().println(outcome.summary());
                return outcome;
            }
        }
    }

    @Extension
    @Symbol("rollbackOverlay")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "rollbackOverlay";
        }

        @Override
        public String getDisplayName() {
            return "Roll an environment back by a GitOps commit";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return AgentStepExecution.CONTEXT;
        }
    }
}
