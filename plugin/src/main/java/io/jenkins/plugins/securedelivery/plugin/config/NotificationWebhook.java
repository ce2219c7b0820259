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
 * Where delivery events (promotions, rollbacks, failed gates) are announced. The webhook's URL carries its token, so
 * it is a secret text credential, never plain configuration.
 */
public final class NotificationWebhook implements Describable<NotificationWebhook> {

    private final String name;
    private final String urlCredentialsId;
    private Kind kind = Kind.GENERIC;

    @DataBoundConstructor
    public NotificationWebhook(String name, String urlCredentialsId) {
        this.name = Util.fixEmptyAndTrim(name);
        this.urlCredentialsId = Util.fixEmptyAndTrim(urlCredentialsId);
    }

    public String getName() {
        return name;
    }

    public String getUrlCredentialsId() {
        return urlCredentialsId;
    }

    public Kind getKind() {
        return kind;
    }

    @DataBoundSetter
    public void setKind(Kind kind) {
        this.kind = kind == null ? Kind.GENERIC : kind;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotificationWebhook w && Objects.equals(name, w.name)
                && Objects.equals(urlCredentialsId, w.urlCredentialsId) && kind == w.kind;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, urlCredentialsId);
    }

    /** The message format the receiver expects. */
    public enum Kind {
        SLACK, PAGERDUTY, GENERIC
    }

    @Extension
    @Symbol("notificationWebhook")
    public static final class DescriptorImpl extends Descriptor<NotificationWebhook> {
        @Override
        public String getDisplayName() {
            return "Notification webhook";
        }
    }
}
