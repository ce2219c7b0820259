package io.jenkins.plugins.securedelivery.plugin.config;

import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import java.util.Locale;
import java.util.Objects;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** An OCI registry images are signed, attested and verified in: its host, credentials and the CA its TLS chains to. */
public final class Registry implements Describable<Registry> {

    private final String host;
    private String credentialsId;
    private String caCertificate;
    private boolean plainHttp;

    @DataBoundConstructor
    public Registry(String host) {
        this.host = Util.fixEmptyAndTrim(host);
    }

    /** host[:port] as image references name it, e.g. registry.example.com or localhost:5000. */
    public String getHost() {
        return host;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    /** Username with password: basic authentication or the registry's token service. */
    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getCaCertificate() {
        return caCertificate;
    }

    /** PEM certificate(s) of the CA the registry's TLS certificate chains to, when it is not publicly trusted. */
    @DataBoundSetter
    public void setCaCertificate(String caCertificate) {
        this.caCertificate = Util.fixEmptyAndTrim(caCertificate);
    }

    public boolean isPlainHttp() {
        return plainHttp;
    }

    /** Reach the registry without TLS: only for a registry on the build machine's loopback. */
    @DataBoundSetter
    public void setPlainHttp(boolean plainHttp) {
        this.plainHttp = plainHttp;
    }

    /** Whether an image reference's registry part names this registry. */
    boolean serves(String registry) {
        return host != null && registry != null && host.toLowerCase(Locale.ROOT).equals(registry.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Registry r && Objects.equals(host, r.host) && Objects.equals(credentialsId, r.credentialsId)
                && Objects.equals(caCertificate, r.caCertificate) && plainHttp == r.plainHttp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host);
    }

    @Extension
    @Symbol("ociRegistry")
    public static final class DescriptorImpl extends Descriptor<Registry> {
        @Override
        public String getDisplayName() {
            return "OCI registry";
        }
    }
}
