package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What the steps over a GitOps repository share: the environment, whose repository, credentials, branch and overlay
 * come from the global configuration unless the step overrides them.
 */
public abstract class GitOpsStep extends Step {

    private final String environment;
    private String repository;
    private String credentialsId;
    private String branch;
    private String overlayPath;

    protected GitOpsStep(String environment) {
        this.environment = Util.fixEmptyAndTrim(environment);
    }

    public String getEnvironment() {
        return environment;
    }

    public String getRepository() {
        return repository;
    }

    /** The GitOps repository, for an environment the global configuration does not describe. */
    @DataBoundSetter
    public void setRepository(String repository) {
        this.repository = Util.fixEmptyAndTrim(repository);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getBranch() {
        return branch;
    }

    @DataBoundSetter
    public void setBranch(String branch) {
        this.branch = Util.fixEmptyAndTrim(branch);
    }

    public String getOverlayPath() {
        return overlayPath;
    }

    @DataBoundSetter
    public void setOverlayPath(String overlayPath) {
        this.overlayPath = Util.fixEmptyAndTrim(overlayPath);
    }

    GitAccess git(Run<?, ?> run) throws AbortException {
        return GitAccess.resolve(run, environment, repository, credentialsId, branch, overlayPath);
    }
}
