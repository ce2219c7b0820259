package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * A real Prometheus (Debian's /usr/bin/prometheus) on a free loopback port, scraping one target every second, behind
 * basic authentication (its web config) so the client's credentials are exercised for real. It serves the demo's live
 * canary, the canary benchmark and the tests; the engine never starts one. The password is a fixed throwaway one: the
 * server listens on loopback only and lives as long as the demo or test.
 */
public final class PrometheusServer implements AutoCloseable {

    static final String USER = "canary";
    static final String PASSWORD = "canary-test-password";
    /** bcrypt of {@link #PASSWORD}, cost 4, made with Python's crypt module (libxcrypt) for this test. */
    private static final String PASSWORD_BCRYPT = "$2b$04$s5E7DMJI93rRUimguLiUsuBA67a4sOadYGuIZGYw78h1AkU22ImwC";

    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final String url;
    private final Path log;
    private final HttpClient client = HttpClient.newHttpClient();

    /** Whether a Prometheus binary is installed (Debian's {@code prometheus} package). */
    public static boolean isInstalled() {
        return Files.isExecutable(BINARY);
    }

    /** Starts Prometheus with its data in {@code directory}, scraping {@code target} ({@code host:port}) every second. */
    public PrometheusServer(Path directory, String target) throws IOException, InterruptedException {
        int port = freePort();
        url = "http://127.0.0.1:" + port;
        Path config = directory.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: canary-test
                    scrape_interval: 1s
                    scrape_timeout: 900ms
                    static_configs:
                      - targets: ['%s']
                """.formatted(target));
        Path web = directory.resolve("web.yml");
        Files.writeString(web, "basic_auth_users:\n  " + USER + ": " + PASSWORD_BCRYPT + "\n");
        log = directory.resolve("prometheus.log");
        process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--web.config.file=" + web,
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        waitFor("Prometheus to be ready", Duration.ofSeconds(20), () -> get("/-/ready").statusCode() == 200);
    }

    public String url() {
        return url;
    }

    /** Where to query it, with its credentials. */
    public PrometheusEndpoint endpoint() {
        return PrometheusEndpoint.of(url).withBasicAuth(USER, PASSWORD).withTimeout(Duration.ofSeconds(5));
    }

    /** Waits until the target has been scraped {@code scrapes} times, asking Prometheus (not guessing with sleeps). */
    public void awaitScrapes(int scrapes, Duration limit) throws IOException, InterruptedException {
        waitFor(scrapes + " scrapes of the test service", limit, () -> {
            HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode("count_over_time(up{job=\"canary-test\"}[5m])", StandardCharsets.UTF_8));
            JsonNode result = JSON.readTree(r.body()).path("data").path("result");
            return result.size() == 1 && result.get(0).path("value").path(1).asDouble() >= scrapes;
        });
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Basic " + basic)
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Check {
        boolean done() throws IOException, InterruptedException;
    }

    private void waitFor(String what, Duration limit, Check check) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.done()) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet, or no answer yet: ask again.
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("timed out after " + limit + " waiting for " + what + "; log: " + Files.readString(log));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
