package io.jenkins.plugins.securedelivery.plugin.config;

import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import java.util.Objects;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** A Prometheus server canary analysis queries, by name. */
public final class PrometheusEndpoint implements Describable<PrometheusEndpoint> {

    private final String name;
    private final String url;
    private String credentialsId;

    @DataBoundConstructor
    public PrometheusEndpoint(String name, String url) {
        this.name = Util.fixEmptyAndTrim(name);
        this.url = Util.fixEmptyAndTrim(url);
    }

    public String getName() {
        return name;
    }

    public String getUrl() {
        return url;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    /** Username with password (basic authentication) or secret text (a bearer token). */
    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrometheusEndpoint p && Objects.equals(name, p.name) && Objects.equals(url, p.url)
                && Objects.equals(credentialsId, p.credentialsId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, url);
    }

    @Extension
    @Symbol("prometheusEndpoint")
    public static final class DescriptorImpl extends Descriptor<PrometheusEndpoint> {
        @Override
        public String getDisplayName() {
            return "Prometheus endpoint";
        }
    }
}
