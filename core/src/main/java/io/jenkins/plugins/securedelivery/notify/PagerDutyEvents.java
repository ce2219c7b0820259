package io.jenkins.plugins.securedelivery.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends PagerDuty Events API v2 alert events (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 * {@code trigger} opens an alert, {@code resolve} closes it, both correlated by the dedup key. PagerDuty answers 202;
 * 429 and 5xx are retried within {@link DeliveryOptions}, as its "Response Codes & Retry Logic" table advises. The
 * routing key (the integration key) is a secret: it appears in no result, message or {@link #toString()}.
 */
public final class PagerDutyEvents {

    /** The public endpoint; EU accounts use {@code https://events.eu.pagerduty.com/v2/enqueue}. */
    public static final URI ENQUEUE = URI.create("https://events.pagerduty.com/v2/enqueue");

    // Limits from the same page: summary 1024 characters, dedup_key 255.
    private static final int SUMMARY = 1024;
    private static final int DEDUP_KEY = 255;
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Severity { CRITICAL, ERROR, WARNING, INFO }

    private final String routingKey;
    private final WebhookPost post;

    public PagerDutyEvents(String routingKey, URI endpoint, DeliveryOptions options) {
        if (routingKey == null || routingKey.isBlank()) {
            throw new NotifyInputException("the PagerDuty routing key", "is empty", "give the Events API v2 integration key of the service");
        }
        this.routingKey = routingKey.strip();
        this.post = new WebhookPost("PagerDuty Events API", endpoint, List.of(this.routingKey), options);
    }

    /**
     * Opens (or adds to) the alert {@code dedupKey}.
     *
     * @param source where the problem is, e.g. the environment and application: "prod/medical-platform"
     */
    public NotificationResult trigger(Notification notification, String dedupKey, String source, Severity severity) {
        ObjectNode event = event("trigger", dedupKey);
        ObjectNode payload = event.putObject("payload");
        payload.put("summary", SlackWebhook.limit(notification.title(), SUMMARY));
        payload.put("source", source);
        payload.put("severity", severity.name().toLowerCase(Locale.ROOT));
        payload.put("timestamp", Instant.now().toString());
        if (!notification.text().isBlank()) {
            payload.putObject("custom_details").put("details", notification.text());
        }
        if (!notification.links().isEmpty()) {
            var links = event.putArray("links");
            notification.links().forEach(l -> links.addObject().put("href", l.url()).put("text", l.text()));
        }
        event.put("client", "Secure Delivery for Jenkins");
        return send(event);
    }

    /** Resolves the alert {@code dedupKey}. */
    public NotificationResult resolve(String dedupKey) {
        return send(event("resolve", dedupKey));
    }

    private ObjectNode event(String action, String dedupKey) {
        if (dedupKey == null || dedupKey.isBlank() || dedupKey.length() > DEDUP_KEY) {
            throw new NotifyInputException("the PagerDuty dedup key", "must be 1 to 255 characters", "use one per release and environment, e.g. prod/medical-platform/42");
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", action);
        event.put("dedup_key", dedupKey);
        return event;
    }

    private NotificationResult send(ObjectNode event) {
        try {
            return post.post(JSON.writeValueAsBytes(event), Map.of(), status -> status == 202);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return post.channel();
    }
}
