package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.Util;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What signImage and attestImage share: the image, who signs (a key credential, or a signing profile of the global
 * configuration), and where the image lives (its registry as configured, or an OCI layout in the workspace).
 */
public abstract class ImageSigningStep extends Step {

    private final String image;
    private String credentialsId;
    private String passwordCredentialsId;
    private String profile;
    private String ociLayout;

    protected ImageSigningStep(String image) {
        this.image = Util.fixEmptyAndTrim(image);
    }

    public String getImage() {
        return image;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    /** A secret file credential holding the signing key (cosign.key, or a PEM EC P-256 key). */
    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getPasswordCredentialsId() {
        return passwordCredentialsId;
    }

    /** A secret text credential holding the key's password. */
    @DataBoundSetter
    public void setPasswordCredentialsId(String passwordCredentialsId) {
        this.passwordCredentialsId = Util.fixEmptyAndTrim(passwordCredentialsId);
    }

    public String getProfile() {
        return profile;
    }

    @DataBoundSetter
    public void setProfile(String profile) {
        this.profile = Util.fixEmptyAndTrim(profile);
    }

    public String getOciLayout() {
        return ociLayout;
    }

    /** An OCI image layout directory in the workspace to use instead of a registry; the image's tag names the image in it. */
    @DataBoundSetter
    public void setOciLayout(String ociLayout) {
        this.ociLayout = Util.fixEmptyAndTrim(ociLayout);
    }
}
