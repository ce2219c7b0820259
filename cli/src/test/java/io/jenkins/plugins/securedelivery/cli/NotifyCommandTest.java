package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** notify from the command line, against a real local HTTP server; secrets come from files. */
class NotifyCommandTest {

    static final String SECRET_PATH = "/services/T0FAKE000/B0FAKE000/s3cr3tT0kenInTheWebhookUrl";

    @TempDir
    Path temp;
    HttpServer server;
    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<byte[]> bodies = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Answers every request with {@code status} and {@code body}. */
    String serve(int status, String body) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                paths.add(exchange.getRequestURI().getPath());
                bodies.add(exchange.getRequestBody().readAllBytes());
                byte[] answer = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void postsASlackMessageWithApproveAndRejectButtonsFromAUrlInAFile() throws Exception {
        Path url = Files.writeString(temp.resolve("slack-url"), serve(200, "ok") + SECRET_PATH + "\n");

        CommandLineRun run = CommandLineRun.of("notify", "slack", "--webhook-url-file", url.toString(),
                "--title", "Approval needed: medical-platform to prod (CHG-1234)", "--text", "Started by dave",
                "--approve-url", "https://jenkins.example.com/job/mp/42/input/approve", "--reject-url", "https://jenkins.example.com/job/mp/42/input/reject");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("Slack webhook on 127.0.0.1: delivered (HTTP 200)");
        assertThat(paths).containsExactly(SECRET_PATH);
        JsonNode message = new ObjectMapper().readTree(bodies.get(0));
        assertThat(message.at("/blocks/2/elements/0/url").asText()).isEqualTo("https://jenkins.example.com/job/mp/42/input/approve");
        assertThat(message.at("/blocks/2/elements/1/style").asText()).isEqualTo("danger");
    }

    @Test
    void aRefusedNotificationExitsOneWithoutShowingTheUrl() throws Exception {
        Path url = Files.writeString(temp.resolve("slack-url"), serve(404, "no_service") + SECRET_PATH);

        CommandLineRun run = CommandLineRun.of("notify", "slack", "--webhook-url-file", url.toString(), "--title", "Promoted to prod");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("NOT delivered after 1 attempt: HTTP 404: no_service");
        assertThat(run.out() + run.err()).doesNotContain("s3cr3t");
    }

    @Test
    void triggersAPagerDutyAlertWithTheRoutingKeyFromAFile() throws Exception {
        String base = serve(202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"prod/mp/42\"}");
        Path key = Files.writeString(temp.resolve("routing-key"), "R0UT1NGKEYs3cr3t0123456789abcdef\n");

        CommandLineRun run = CommandLineRun.of("notify", "pagerduty", "--routing-key-file", key.toString(), "--endpoint", base + "/v2/enqueue",
                "--dedup-key", "prod/mp/42", "--title", "Canary failed: medical-platform in prod", "--source", "prod/medical-platform",
                "--severity", "critical", "--link", "Run=https://jenkins.example.com/job/mp/42/");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode event = new ObjectMapper().readTree(bodies.get(0));
        assertThat(event.get("routing_key").asText()).isEqualTo("R0UT1NGKEYs3cr3t0123456789abcdef");
        assertThat(event.at("/payload/severity").asText()).isEqualTo("critical");
        assertThat(event.at("/links/0/text").asText()).isEqualTo("Run");
        assertThat(run.out() + run.err()).doesNotContain("s3cr3t");
    }

    @Test
    void aSecretGivenNeitherByVariableNorFileIsBadInput() throws Exception {
        serve(200, "ok");

        CommandLineRun run = CommandLineRun.of("notify", "webhook", "--title", "Promoted to prod");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--url-env / --url-file: neither was given");
        assertThat(bodies).isEmpty();
    }

    @Test
    void sendsAJsonFileAsItIsToAGenericWebhook() throws Exception {
        Path url = Files.writeString(temp.resolve("hook-url"), serve(204, "") + "/hooks/deploy");
        Path body = Files.writeString(temp.resolve("event.json"), "{\"event\":\"promoted\",\"environment\":\"prod\"}");
        Path hmac = Files.writeString(temp.resolve("hmac"), "shared-secret\n");

        CommandLineRun run = CommandLineRun.of("notify", "webhook", "--url-file", url.toString(), "--body-file", body.toString(),
                "--hmac-secret-file", hmac.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new String(bodies.get(0), StandardCharsets.UTF_8)).isEqualTo("{\"event\":\"promoted\",\"environment\":\"prod\"}");
    }
}
