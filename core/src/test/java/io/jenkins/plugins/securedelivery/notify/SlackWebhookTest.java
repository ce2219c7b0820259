package io.jenkins.plugins.securedelivery.notify;

import static io.jenkins.plugins.securedelivery.notify.WebhookReceiver.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slack incoming webhooks against a real local HTTP server answering as Slack does. */
class SlackWebhookTest {

    static final String SECRET_PATH = "/services/T0FAKE000/B0FAKE000/s3cr3tT0kenInTheWebhookUrl";
    static final DeliveryOptions FAST = new DeliveryOptions(Duration.ofSeconds(2), Duration.ofMillis(500), 3, Duration.ofMillis(20), Duration.ofSeconds(5));

    WebhookReceiver slack;

    @AfterEach
    void stop() {
        if (slack != null) {
            slack.close();
        }
    }

    static Notification approvalNeeded() {
        return new Notification("Approval needed: medical-platform to prod (CHG-1234)",
                "*Images:* `registry.example.com/org/medical-platform@sha256:abab...`\n*Started by:* dave",
                List.of(Link.approve("https://jenkins.example.com/job/mp/42/input/approve"), Link.reject("https://jenkins.example.com/job/mp/42/input/reject")));
    }

    static void assertNoSecret(NotificationResult result, Object sender) {
        assertThat(result.toString()).doesNotContain("s3cr3t");
        assertThat(result.summary()).doesNotContain("s3cr3t");
        assertThat(sender.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void postsABlockKitMessageWithTheCallersApproveAndRejectLinksAsButtons() throws Exception {
        slack = new WebhookReceiver(answer(200, "ok"));
        SlackWebhook webhook = new SlackWebhook(slack.url(SECRET_PATH), FAST);

        NotificationResult result = webhook.send(approvalNeeded());

        assertThat(result.delivered()).isTrue();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.summary()).isEqualTo("Slack webhook on 127.0.0.1: delivered (HTTP 200)");
        WebhookReceiver.Received request = slack.received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(SECRET_PATH);
        assertThat(request.header("Content-Type")).startsWith("application/json");
        JsonNode message = request.json();
        assertThat(message.get("text").asText()).isEqualTo("Approval needed: medical-platform to prod (CHG-1234)");
        JsonNode blocks = message.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).at("/text/type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(1).get("type").asText()).isEqualTo("section");
        assertThat(blocks.get(1).at("/text/type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(1).at("/text/text").asText()).startsWith("*Images:*");
        JsonNode buttons = blocks.get(2).get("elements");
        assertThat(blocks.get(2).get("type").asText()).isEqualTo("actions");
        assertThat(buttons).hasSize(2);
        assertThat(buttons.get(0).get("type").asText()).isEqualTo("button");
        assertThat(buttons.get(0).at("/text/text").asText()).isEqualTo("Approve");
        assertThat(buttons.get(0).get("url").asText()).isEqualTo("https://jenkins.example.com/job/mp/42/input/approve");
        assertThat(buttons.get(0).get("style").asText()).isEqualTo("primary");
        assertThat(buttons.get(1).get("style").asText()).isEqualTo("danger");
        assertThat(buttons.get(0).get("action_id").asText()).isNotEqualTo(buttons.get(1).get("action_id").asText());
        assertNoSecret(result, webhook);
    }

    @Test
    void aServerErrorIsRetriedAndTheMessageDeliveredOnce() throws Exception {
        slack = new WebhookReceiver(answer(200, "ok")).first(answer(500, "internal_error"));

        NotificationResult result = new SlackWebhook(slack.url(SECRET_PATH), FAST).send(approvalNeeded());

        assertThat(result.delivered()).isTrue();
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(slack.received).hasSize(2);
    }

    @Test
    void aRateLimitIsRetriedAfterTheTimeSlackAsksFor() throws Exception {
        slack = new WebhookReceiver(answer(200, "ok")).first(new WebhookReceiver.Answer(429, Map.of("Retry-After", "1"), "rate_limited"));
        long start = System.nanoTime();

        NotificationResult result = new SlackWebhook(slack.url(SECRET_PATH), FAST).send(approvalNeeded());

        assertThat(result.delivered()).isTrue();
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aRetryAfterLongerThanAllowedFailsAtOnceInsteadOfBlocking() throws Exception {
        slack = new WebhookReceiver(new WebhookReceiver.Answer(429, Map.of("Retry-After", "3600"), "rate_limited"));

        NotificationResult result = new SlackWebhook(slack.url(SECRET_PATH), FAST).send(approvalNeeded());

        assertThat(result.delivered()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.status()).isEqualTo(429);
        assertThat(result.reason()).isEqualTo("HTTP 429: rate_limited; the service asks to retry after 3600 s, longer than the 5 s allowed");
    }

    @Test
    void persistentServerErrorsGiveAFailedResultAfterTheLastAttempt() throws Exception {
        slack = new WebhookReceiver(answer(503, "service_unavailable"));

        NotificationResult result = new SlackWebhook(slack.url(SECRET_PATH), FAST).send(approvalNeeded());

        assertThat(result.delivered()).isFalse();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.reason()).isEqualTo("HTTP 503: service_unavailable; gave up after 3 attempts");
    }

    @Test
    void aRefusedPayloadIsNotRetriedAndTheUrlIsNeverEchoed() throws Exception {
        slack = new WebhookReceiver(answer(400, "invalid_payload for " + SECRET_PATH));
        SlackWebhook webhook = new SlackWebhook(slack.url(SECRET_PATH), FAST);

        NotificationResult result = webhook.send(approvalNeeded());

        assertThat(result.delivered()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.reason()).isEqualTo("HTTP 400: invalid_payload for *** (not retried: the service refused the request)");
        assertNoSecret(result, webhook);
    }

    @Test
    void aRefusedConnectionIsAFailedResultNotAnException() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        SlackWebhook webhook = new SlackWebhook(URI.create("http://127.0.0.1:" + port + SECRET_PATH), FAST);

        NotificationResult result = webhook.send(approvalNeeded());

        assertThat(result.delivered()).isFalse();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.status()).isZero();
        assertThat(result.reason()).startsWith("cannot reach http://127.0.0.1:" + port + " (ConnectException");
        assertNoSecret(result, webhook);
    }

    @Test
    void aServerThatNeverAnswersTimesOutIntoAFailedResult() throws Exception {
        slack = new WebhookReceiver(answer(200, "ok")).silent();

        NotificationResult result = new SlackWebhook(slack.url(SECRET_PATH), FAST).send(approvalNeeded());

        assertThat(result.delivered()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.reason()).isEqualTo("no answer within 0.5 s (not retried: it may have been delivered)");
    }

    @Test
    void aWrongUrlIsRefusedWithoutQuotingIt() throws Exception {
        assertThatThrownBy(() -> new SlackWebhook(URI.create("hooks.slack.com" + SECRET_PATH), FAST))
                .isInstanceOf(NotifyInputException.class)
                .hasMessageNotContaining("s3cr3t")
                .hasMessageContaining("not an absolute http(s) URL");
    }

    @Test
    void longTextsAreCutToBlockKitLimits() throws Exception {
        slack = new WebhookReceiver(answer(200, "ok"));

        new SlackWebhook(slack.url(SECRET_PATH), FAST).send(new Notification("t".repeat(400), "x".repeat(5000), List.of()));

        JsonNode blocks = slack.received.get(0).json().get("blocks");
        assertThat(blocks.get(0).at("/text/text").asText()).hasSize(150).endsWith("\u2026");
        assertThat(blocks.get(1).at("/text/text").asText()).hasSize(3000);
        assertThat(blocks).hasSize(2);
    }
}
