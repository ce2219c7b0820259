package io.jenkins.plugins.securedelivery.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries on overload and server errors. docker-registry cannot be made to answer 429 or 503 on demand, so a small
 * HTTP server on loopback answers them, then (when told) what a registry answers to a manifest HEAD.
 */
class RegistryRetryTest {

    static final String DIGEST = "sha256:" + "ab".repeat(32);

    HttpServer server;
    final AtomicInteger received = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Answers {@code failures} times with {@code status}, then 200 with a manifest digest. */
    ImageReference serve(int status, int failures) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/", exchange -> {
            try (exchange) {
                if (received.incrementAndGet() <= failures) {
                    exchange.sendResponseHeaders(status, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Docker-Content-Digest", DIGEST);
                exchange.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/demo/app:1.0");
    }

    RegistryStore store(int retries) throws Exception {
        return new RegistryStore(RegistryStore.Options.defaults().withPlainHttp().withRetries(retries, Duration.ofMillis(5)));
    }

    @Test
    void aServerErrorIsRetriedAndTheAnswerAfterItIsUsed() throws Exception {
        ImageReference reference = serve(503, 2);
        RegistryStore store = store(3);

        assertThat(store.resolve(reference).digest()).isEqualTo(DIGEST);
        assertThat(received.get()).isEqualTo(3);
        assertThat(store.requests()).isEqualTo(3);
    }

    @Test
    void tooManyRequestsIsRetriedUntilTheRetriesRunOutThenSaysToTryLater() throws Exception {
        ImageReference reference = serve(429, Integer.MAX_VALUE);
        RegistryStore store = store(2);

        assertThatThrownBy(() -> store.resolve(reference))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(429))
                .hasMessageContaining("after 3 attempts: try again later").hasMessageContaining(reference.toString());
        assertThat(received.get()).isEqualTo(3);
    }

    @Test
    void aForbiddenAnswerIsNotRetried() throws Exception {
        ImageReference reference = serve(403, Integer.MAX_VALUE);
        RegistryStore store = store(3);

        assertThatThrownBy(() -> store.resolve(reference))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("needs pull permission on demo/app");
        assertThat(received.get()).isEqualTo(1);
    }
}
