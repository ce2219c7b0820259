package io.jenkins.plugins.securedelivery.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on loopback standing in for Slack, PagerDuty or a webhook receiver: it records what it receives
 * and answers what the test queued (then {@code finally}), or never answers at all.
 */
final class WebhookReceiver implements AutoCloseable {

    record Answer(int status, Map<String, String> headers, String body) {}

    record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Answer> queued = new ArrayDeque<>();
    private final HttpServer server;
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Answer finalAnswer;
    private volatile boolean silent;

    WebhookReceiver(Answer finalAnswer) throws IOException {
        this.finalAnswer = finalAnswer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                        Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
                if (silent) {
                    released.await(30, TimeUnit.SECONDS);
                    return;
                }
                Answer answer;
                synchronized (queued) {
                    answer = queued.isEmpty() ? finalAnswer : queued.poll();
                }
                answer.headers().forEach(exchange.getResponseHeaders()::set);
                byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    static Answer answer(int status, String body) {
        return new Answer(status, Map.of(), body);
    }

    WebhookReceiver first(Answer... answers) {
        synchronized (queued) {
            queued.addAll(List.of(answers));
        }
        return this;
    }

    /** From now on the server reads requests and never answers them. */
    WebhookReceiver silent() {
        silent = true;
        return this;
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
