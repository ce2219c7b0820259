package io.jenkins.plugins.securedelivery.notify;

/**
 * What became of one notification. A failure is reported here, never thrown, and never blocks or approves anything:
 * the caller logs it and goes on. No field holds the webhook URL or routing key.
 *
 * @param channel   what was notified, without secrets: "Slack webhook on hooks.slack.com"
 * @param delivered whether the service accepted it
 * @param attempts  how many requests were made
 * @param status    the last HTTP status, or 0 when no answer came
 * @param reason    one line: what the service answered, or why it could not be reached
 */
public record NotificationResult(String channel, boolean delivered, int attempts, int status, String reason) {

    static NotificationResult delivered(String channel, int attempts, int status) {
        return new NotificationResult(channel, true, attempts, status, "delivered (HTTP " + status + ")");
    }

    static NotificationResult failed(String channel, int attempts, int status, String reason) {
        return new NotificationResult(channel, false, attempts, status, reason);
    }

    /** One line for a log: "Slack webhook on hooks.slack.com: delivered (HTTP 200)". */
    public String summary() {
        return channel + ": " + (delivered ? reason : "NOT delivered after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + ": " + reason);
    }
}
