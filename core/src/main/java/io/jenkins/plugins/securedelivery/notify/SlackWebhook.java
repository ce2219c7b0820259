package io.jenkins.plugins.securedelivery.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Posts to a Slack incoming webhook (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
 * a Block Kit message with a header, the text, and one link button per {@link Link}. Slack answers 200 {@code ok};
 * 429 and 5xx are retried within {@link DeliveryOptions}. The webhook URL is a secret (whoever has it can post to the
 * channel): it appears in no result, message or {@link #toString()}.
 */
public final class SlackWebhook {

    // Block Kit limits: https://docs.slack.dev/reference/block-kit/blocks/header-block (150),
    // .../blocks/section-block (3000), .../blocks/actions-block (25 elements),
    // .../block-elements/button-element (text 75, url 3000).
    private static final int HEADER = 150;
    private static final int SECTION = 3000;
    private static final int BUTTONS = 25;
    private static final int BUTTON_TEXT = 75;
    private static final int BUTTON_URL = 3000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookPost post;

    /** @param webhookUrl {@code https://hooks.slack.com/services/T.../B.../...}, from a credential, never a plain setting */
    public SlackWebhook(URI webhookUrl, DeliveryOptions options) {
        this.post = new WebhookPost("Slack webhook", webhookUrl, List.of(), options);
    }

    /** Sends the message; a failure is in the result, never thrown. */
    public NotificationResult send(Notification notification) {
        return post.post(payload(notification), Map.of(), status -> status == 200);
    }

    static byte[] payload(Notification notification) {
        ObjectNode message = JSON.createObjectNode();
        // The top-level text is what Slack shows in notifications and where blocks cannot be rendered.
        message.put("text", limit(notification.title(), SECTION));
        ArrayNode blocks = message.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", limit(notification.title(), HEADER));
        if (!notification.text().isBlank()) {
            ObjectNode section = blocks.addObject().put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", limit(notification.text(), SECTION));
        }
        List<Link> links = notification.links().stream().filter(l -> l.url().length() <= BUTTON_URL).limit(BUTTONS).toList();
        if (!links.isEmpty()) {
            ArrayNode elements = blocks.addObject().put("type", "actions").putArray("elements");
            for (int i = 0; i < links.size(); i++) {
                Link link = links.get(i);
                ObjectNode button = elements.addObject().put("type", "button");
                button.putObject("text").put("type", "plain_text").put("text", limit(link.text(), BUTTON_TEXT));
                button.put("url", link.url());
                button.put("action_id", "secure-delivery-link-" + i);
                if (link.style() != Link.Style.PLAIN) {
                    button.put("style", link.style().name().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        try {
            return JSON.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String limit(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    @Override
    public String toString() {
        return post.channel();
    }
}
