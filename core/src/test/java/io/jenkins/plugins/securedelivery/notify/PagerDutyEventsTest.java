package io.jenkins.plugins.securedelivery.notify;

import static io.jenkins.plugins.securedelivery.notify.WebhookReceiver.answer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PagerDuty Events API v2 against a real local HTTP server answering as events.pagerduty.com does. */
class PagerDutyEventsTest {

    static final String ROUTING_KEY = "R0UT1NGKEYs3cr3t0123456789abcdef";
    static final String ACCEPTED = "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"prod/medical-platform/42\"}";

    WebhookReceiver pagerDuty;

    @AfterEach
    void stop() {
        pagerDuty.close();
    }

    @Test
    void triggersAnAlertWithSummarySourceSeverityAndTheCallersLinks() throws Exception {
        pagerDuty = new WebhookReceiver(answer(202, ACCEPTED));
        PagerDutyEvents events = new PagerDutyEvents(ROUTING_KEY, pagerDuty.url("/v2/enqueue"), SlackWebhookTest.FAST);

        NotificationResult result = events.trigger(SlackWebhookTest.approvalNeeded(), "prod/medical-platform/42", "prod/medical-platform",
                PagerDutyEvents.Severity.WARNING);

        assertThat(result.delivered()).isTrue();
        assertThat(result.status()).isEqualTo(202);
        JsonNode event = pagerDuty.received.get(0).json();
        assertThat(pagerDuty.received.get(0).path()).isEqualTo("/v2/enqueue");
        assertThat(event.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(event.get("event_action").asText()).isEqualTo("trigger");
        assertThat(event.get("dedup_key").asText()).isEqualTo("prod/medical-platform/42");
        assertThat(event.at("/payload/summary").asText()).isEqualTo("Approval needed: medical-platform to prod (CHG-1234)");
        assertThat(event.at("/payload/source").asText()).isEqualTo("prod/medical-platform");
        assertThat(event.at("/payload/severity").asText()).isEqualTo("warning");
        assertThat(Instant.parse(event.at("/payload/timestamp").asText())).isNotNull();
        assertThat(event.at("/payload/custom_details/details").asText()).startsWith("*Images:*");
        assertThat(event.at("/links/0/href").asText()).isEqualTo("https://jenkins.example.com/job/mp/42/input/approve");
        assertThat(event.at("/links/0/text").asText()).isEqualTo("Approve");
        assertThat(event.at("/links/1/text").asText()).isEqualTo("Reject");
        assertThat(result.toString()).doesNotContain(ROUTING_KEY);
        assertThat(events.toString()).isEqualTo("PagerDuty Events API on 127.0.0.1");
    }

    @Test
    void resolvesTheAlertByItsDedupKey() throws Exception {
        pagerDuty = new WebhookReceiver(answer(202, ACCEPTED));

        NotificationResult result = new PagerDutyEvents(ROUTING_KEY, pagerDuty.url("/v2/enqueue"), SlackWebhookTest.FAST).resolve("prod/medical-platform/42");

        assertThat(result.delivered()).isTrue();
        JsonNode event = pagerDuty.received.get(0).json();
        assertThat(event.get("event_action").asText()).isEqualTo("resolve");
        assertThat(event.get("dedup_key").asText()).isEqualTo("prod/medical-platform/42");
        assertThat(event.has("payload")).isFalse();
    }

    @Test
    void anInvalidEventIsAFailedResultThatNeverShowsTheRoutingKey() throws Exception {
        pagerDuty = new WebhookReceiver(answer(400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"routing_key "
                + ROUTING_KEY + " is unknown\"]}"));

        NotificationResult result = new PagerDutyEvents(ROUTING_KEY, pagerDuty.url("/v2/enqueue"), SlackWebhookTest.FAST)
                .trigger(SlackWebhookTest.approvalNeeded(), "k", "prod", PagerDutyEvents.Severity.INFO);

        assertThat(result.delivered()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.reason()).contains("Event object is invalid").contains("routing_key *** is unknown").doesNotContain(ROUTING_KEY);
    }

    @Test
    void aThrottledEventIsRetriedThenAccepted() throws Exception {
        pagerDuty = new WebhookReceiver(answer(202, ACCEPTED)).first(answer(429, ""), answer(502, ""));

        NotificationResult result = new PagerDutyEvents(ROUTING_KEY, pagerDuty.url("/v2/enqueue"), SlackWebhookTest.FAST)
                .trigger(SlackWebhookTest.approvalNeeded(), "k", "prod", PagerDutyEvents.Severity.CRITICAL);

        assertThat(result.delivered()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
    }
}
