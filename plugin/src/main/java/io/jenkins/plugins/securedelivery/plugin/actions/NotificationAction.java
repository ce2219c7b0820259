package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Run;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The notifications a run's steps sent to the configured webhooks: to which, of what kind, and whether they arrived. Never the URL. */
@ExportedBean
public final class NotificationAction extends RunRecord<NotificationAction.Sent> {

    public static void record(Run<?, ?> run, Sent sent) {
        append(run, NotificationAction.class, NotificationAction::new, sent);
    }

    @Exported(visibility = 2)
    public List<Sent> getNotifications() {
        return entries();
    }

    @Override
    public String getDisplayName() {
        return "Notifications";
    }

    /** One message to one webhook. */
    @ExportedBean
    public static final class Sent {
        private final String step;
        private final String webhook;
        private final String kind;
        private final String event;
        private final boolean delivered;
        private final String reason;
        private final String time;

        public Sent(String step, String webhook, String kind, String event, boolean delivered, String reason, String time) {
            this.step = step;
            this.webhook = webhook;
            this.kind = kind;
            this.event = event;
            this.delivered = delivered;
            this.reason = reason;
            this.time = time;
        }

        @Exported(visibility = 3)
        public String getStep() {
            return step;
        }

        /** The webhook's name in the global configuration. */
        @Exported(visibility = 3)
        public String getWebhook() {
            return webhook;
        }

        /** SLACK, PAGERDUTY or GENERIC. */
        @Exported(visibility = 3)
        public String getKind() {
            return kind;
        }

        /** What was announced, e.g. "approval requested", "approval APPROVED", "canary ROLLED_BACK". */
        @Exported(visibility = 3)
        public String getEvent() {
            return event;
        }

        @Exported(visibility = 3)
        public boolean isDelivered() {
            return delivered;
        }

        /** The service's answer, or why it could not be reached, with any secret shown as ***. */
        @Exported(visibility = 3)
        public String getReason() {
            return reason;
        }

        @Exported(visibility = 3)
        public String getTime() {
            return time;
        }
    }
}
