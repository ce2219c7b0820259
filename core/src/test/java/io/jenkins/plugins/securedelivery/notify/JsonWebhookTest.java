package io.jenkins.plugins.securedelivery.notify;

import static io.jenkins.plugins.securedelivery.notify.WebhookReceiver.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Generic JSON webhooks against a real local HTTP server that checks what a receiver would check. */
class JsonWebhookTest {

    static final byte[] HMAC_SECRET = "hmac-s3cr3t-shared-with-the-receiver".getBytes(StandardCharsets.UTF_8);

    WebhookReceiver receiver;

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aSignedRequestCarriesAnHmacTheReceiverCanRecompute() throws Exception {
        receiver = new WebhookReceiver(answer(204, ""));
        JsonWebhook webhook = new JsonWebhook(receiver.url("/hooks/deploy?token=s3cr3t-query-token"), SlackWebhookTest.FAST).hmacSha256(HMAC_SECRET);

        NotificationResult result = webhook.send(SlackWebhookTest.approvalNeeded());

        assertThat(result.delivered()).isTrue();
        WebhookReceiver.Received request = receiver.received.get(0);
        String timestamp = request.header(JsonWebhook.TIMESTAMP_HEADER);
        String expected = "sha256=" + HexFormat.of().formatHex(JsonWebhook.hmac(HMAC_SECRET, timestamp, request.body()));
        assertThat(request.header(JsonWebhook.SIGNATURE_HEADER)).isEqualTo(expected);
        assertThat(JsonWebhook.hmac("another secret".getBytes(StandardCharsets.UTF_8), timestamp, request.body()))
                .isNotEqualTo(JsonWebhook.hmac(HMAC_SECRET, timestamp, request.body()));
        assertThat(request.json().get("title").asText()).isEqualTo("Approval needed: medical-platform to prod (CHG-1234)");
        assertThat(request.json().at("/links/0/url").asText()).isEqualTo("https://jenkins.example.com/job/mp/42/input/approve");
        assertThat(request.json().at("/links/1/style").asText()).isEqualTo("danger");
        assertThat(result.toString()).doesNotContain("s3cr3t");
        assertThat(webhook.toString()).isEqualTo("JSON webhook on 127.0.0.1");
    }

    @Test
    void aHeaderSecretIsSentButNeverReported() throws Exception {
        receiver = new WebhookReceiver(answer(401, "bad token Bearer s3cr3t-header-value"));
        JsonWebhook webhook = new JsonWebhook(receiver.url("/hooks/deploy"), SlackWebhookTest.FAST)
                .headerSecret("Authorization", "Bearer s3cr3t-header-value");

        NotificationResult result = webhook.sendJson("{\"event\":\"promoted\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(receiver.received.get(0).header("Authorization")).isEqualTo("Bearer s3cr3t-header-value");
        assertThat(result.delivered()).isFalse();
        assertThat(result.reason()).isEqualTo("HTTP 401: bad token *** (not retried: the service refused the request)");
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedBeforeAnythingIsSent() throws Exception {
        receiver = new WebhookReceiver(answer(200, ""));
        JsonWebhook webhook = new JsonWebhook(receiver.url("/hooks/deploy"), SlackWebhookTest.FAST);

        assertThatThrownBy(() -> webhook.sendJson("event=promoted".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NotifyInputException.class)
                .hasMessageContaining("not JSON");
        assertThat(receiver.received).isEmpty();
    }
}
