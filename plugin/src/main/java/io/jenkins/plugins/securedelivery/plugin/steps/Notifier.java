package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.notify.DeliveryOptions;
import io.jenkins.plugins.securedelivery.notify.JsonWebhook;
import io.jenkins.plugins.securedelivery.notify.Notification;
import io.jenkins.plugins.securedelivery.notify.NotificationResult;
import io.jenkins.plugins.securedelivery.notify.PagerDutyEvents;
import io.jenkins.plugins.securedelivery.notify.SlackWebhook;
import io.jenkins.plugins.securedelivery.plugin.actions.NotificationAction;
import io.jenkins.plugins.securedelivery.plugin.config.NotificationWebhook;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sends a step's notifications to the webhooks of the global configuration it names ({@code notify: ['releases']}).
 * A webhook that cannot be reached, refuses the message or has no usable credential is a warning in the build log and
 * an entry in the run's {@link NotificationAction}; it never fails, blocks or decides the step. The URL (and a
 * PagerDuty routing key) is read from the credential when sending and appears in no log, message or saved field.
 */
final class Notifier implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What to send; {@code pagerDuty} says what a PAGERDUTY webhook does with it. */
    record Message(String event, Notification notification, PagerDuty pagerDuty, String dedupKey, String source) {
    }

    enum PagerDuty { TRIGGER_INFO, TRIGGER_ERROR, TRIGGER_WARNING, RESOLVE, NOTHING }

    private final String step;
    private final List<String> names;

    private Notifier(String step, List<String> names) {
        this.step = step;
        this.names = names;
    }

    /** Refuses, naming the configured ones, a webhook name the global configuration does not have. */
    static Notifier of(String step, List<String> names) throws AbortException {
        List<String> wanted = names == null ? List.of() : names.stream().map(String::strip).filter(n -> !n.isEmpty()).distinct().toList();
        List<String> configured = SecureDeliveryConfiguration.get().getWebhooks().stream().map(NotificationWebhook::getName).toList();
        for (String name : wanted) {
            if (!configured.contains(name)) {
                throw new AbortException(step + ": notify: webhook '" + name + "' is not in the global configuration (secureDelivery.webhooks); "
                        + (configured.isEmpty() ? "none is configured: add it there" : "configured: " + String.join(", ", configured)));
            }
        }
        return new Notifier(step, new ArrayList<>(wanted));
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    /** Sends to every named webhook, one after the other, on the calling thread (never the CPS thread: callers use a pool). */
    void send(Run<?, ?> run, TaskListener listener, Message message) {
        for (String name : names) {
            NotificationWebhook webhook = SecureDeliveryConfiguration.get().getWebhooks().stream().filter(w -> name.equals(w.getName()))
                    .findFirst().orElse(null);
            String kind = webhook == null ? "UNKNOWN" : webhook.getKind().name();
            boolean delivered = false;
            String outcome;
            try {
                if (webhook == null) {
                    outcome = "the webhook is no longer in the global configuration";
                } else {
                    NotificationResult result = deliver(run, webhook, message);
                    if (result == null) {
                        continue;
                    }
                    delivered = result.delivered();
                    outcome = result.summary();
                }
            } catch (AbortException | RuntimeException e) {
                // Core's messages never quote the URL or key; a credential lookup's names only the id.
                outcome = e.getMessage();
            }
            if (delivered) {
                listener.getLogger().println(step + ": notified '" + name + "' (" + message.event() + "): " + outcome);
            } else {
                listener.getLogger().println("WARNING: " + step + ": could not notify '" + name + "' (" + message.event() + "): " + outcome
                        + "; the step goes on");
            }
            NotificationAction.record(run, new NotificationAction.Sent(step, name, kind, message.event(), delivered, outcome, Instant.now().toString()));
        }
        try {
            run.save();
        } catch (IOException e) {
            listener.getLogger().println("WARNING: " + step + ": the notifications sent could not be saved with the run: " + e.getMessage());
        }
    }

    /** The result, or null when this kind sends nothing for this message. */
    private NotificationResult deliver(Run<?, ?> run, NotificationWebhook webhook, Message message) throws AbortException {
        if (webhook.getKind() == NotificationWebhook.Kind.PAGERDUTY && message.pagerDuty() == PagerDuty.NOTHING) {
            return null;
        }
        if (webhook.getUrlCredentialsId() == null) {
            throw new AbortException("webhook '" + webhook.getName() + "' has no urlCredentialsId: give it a secret text credential holding its URL");
        }
        String secret = StepCredentials.secretText(run, webhook.getUrlCredentialsId(), "URL of webhook " + webhook.getName()).strip();
        DeliveryOptions options = DeliveryOptions.defaults();
        return switch (webhook.getKind()) {
            case SLACK -> new SlackWebhook(uri(webhook, secret), options).send(message.notification());
            case GENERIC -> new JsonWebhook(uri(webhook, secret), options).send(message.notification());
            case PAGERDUTY -> pagerDuty(webhook, secret, options, message);
        };
    }

    /**
     * The credential holds the integration (routing) key, sent to PagerDuty's public endpoint, or
     * {@code ENDPOINT#ROUTING_KEY} for another endpoint (the EU one, a proxy): a URL's fragment is never sent.
     */
    private static NotificationResult pagerDuty(NotificationWebhook webhook, String secret, DeliveryOptions options, Message message) {
        PagerDutyEvents events;
        if (secret.startsWith("https://") || secret.startsWith("http://")) {
            int hash = secret.indexOf('#');
            if (hash < 0 || hash == secret.length() - 1) {
                throw new IllegalArgumentException("webhook '" + webhook.getName() + "' (PAGERDUTY): its credential is a URL without '#ROUTING_KEY': "
                        + "store the integration key alone, or ENDPOINT#ROUTING_KEY");
            }
            events = new PagerDutyEvents(secret.substring(hash + 1), uri(webhook, secret.substring(0, hash)), options);
        } else {
            events = new PagerDutyEvents(secret, PagerDutyEvents.ENQUEUE, options);
        }
        return switch (message.pagerDuty()) {
            case RESOLVE -> events.resolve(message.dedupKey());
            case TRIGGER_ERROR -> events.trigger(message.notification(), message.dedupKey(), message.source(), PagerDutyEvents.Severity.ERROR);
            case TRIGGER_WARNING -> events.trigger(message.notification(), message.dedupKey(), message.source(), PagerDutyEvents.Severity.WARNING);
            case TRIGGER_INFO -> events.trigger(message.notification(), message.dedupKey(), message.source(), PagerDutyEvents.Severity.INFO);
            case NOTHING -> throw new IllegalStateException("nothing to send");
        };
    }

    /** Never quotes the text: it holds the token. */
    private static URI uri(NotificationWebhook webhook, String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("webhook '" + webhook.getName() + "': its credential is not a URL (" + webhook.getKind().name().toLowerCase(Locale.ROOT)
                    + " webhooks need the full https:// URL; the value is not shown because it holds a token)");
        }
    }
}
