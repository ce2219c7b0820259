package io.jenkins.plugins.securedelivery.plugin.config;

import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import java.util.Objects;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * How a team signs: with a key (a secret file credential holding cosign.key or a PEM key, and a secret text holding
 * its password), or keyless through a private Sigstore (its trusted_root.json and signing_config.json on the agent,
 * and an OIDC identity token from a file on the agent or a secret text credential).
 */
public final class SigningProfile implements Describable<SigningProfile> {

    private final String name;
    private String keyCredentialsId;
    private String passwordCredentialsId;
    private String trustedRoot;
    private String signingConfig;
    private String identityTokenFile;
    private String identityTokenCredentialsId;

    @DataBoundConstructor
    public SigningProfile(String name) {
        this.name = Util.fixEmptyAndTrim(name);
    }

    public String getName() {
        return name;
    }

    public String getKeyCredentialsId() {
        return keyCredentialsId;
    }

    @DataBoundSetter
    public void setKeyCredentialsId(String keyCredentialsId) {
        this.keyCredentialsId = Util.fixEmptyAndTrim(keyCredentialsId);
    }

    public String getPasswordCredentialsId() {
        return passwordCredentialsId;
    }

    @DataBoundSetter
    public void setPasswordCredentialsId(String passwordCredentialsId) {
        this.passwordCredentialsId = Util.fixEmptyAndTrim(passwordCredentialsId);
    }

    public String getTrustedRoot() {
        return trustedRoot;
    }

    @DataBoundSetter
    public void setTrustedRoot(String trustedRoot) {
        this.trustedRoot = Util.fixEmptyAndTrim(trustedRoot);
    }

    public String getSigningConfig() {
        return signingConfig;
    }

    @DataBoundSetter
    public void setSigningConfig(String signingConfig) {
        this.signingConfig = Util.fixEmptyAndTrim(signingConfig);
    }

    public String getIdentityTokenFile() {
        return identityTokenFile;
    }

    /** A file on the agent holding the OIDC token, re-read on each use (e.g. a projected service-account token). */
    @DataBoundSetter
    public void setIdentityTokenFile(String identityTokenFile) {
        this.identityTokenFile = Util.fixEmptyAndTrim(identityTokenFile);
    }

    public String getIdentityTokenCredentialsId() {
        return identityTokenCredentialsId;
    }

    @DataBoundSetter
    public void setIdentityTokenCredentialsId(String identityTokenCredentialsId) {
        this.identityTokenCredentialsId = Util.fixEmptyAndTrim(identityTokenCredentialsId);
    }

    /** Keyless when it names no key. */
    public boolean isKeyless() {
        return keyCredentialsId == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningProfile p && Objects.equals(name, p.name)
                && Objects.equals(keyCredentialsId, p.keyCredentialsId) && Objects.equals(passwordCredentialsId, p.passwordCredentialsId)
                && Objects.equals(trustedRoot, p.trustedRoot) && Objects.equals(signingConfig, p.signingConfig)
                && Objects.equals(identityTokenFile, p.identityTokenFile)
                && Objects.equals(identityTokenCredentialsId, p.identityTokenCredentialsId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name);
    }

    @Extension
    @Symbol("signingProfile")
    public static final class DescriptorImpl extends Descriptor<SigningProfile> {
        @Override
        public String getDisplayName() {
            return "Signing profile";
        }
    }
}
