package io.jenkins.plugins.securedelivery.canary;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A small real HTTP service that Prometheus scrapes: {@code /metrics} in Prometheus' text format, with the
 * {@code http_requests_total} and {@code http_request_duration_seconds} series of a canary and a baseline for several
 * scenarios at once (label {@code scenario}). Between two scrapes it draws the requests that would have been served
 * (Poisson-like counts, errors at the scenario's rate, log-normal latencies), so the tests control error rate and
 * latency without spending CPU on real requests. It serves the demo's live canary, the canary benchmark and the tests;
 * the engine never uses it.
 */
public final class SimulatedTrafficService implements AutoCloseable {

    /** How one track behaves: requests per second, the share answered with 500, the median latency. */
    public record Behaviour(double requestsPerSecond, double errorRate, double medianSeconds) {}

    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final HttpServer server;
    private final Map<String, Track> tracks = new LinkedHashMap<>();
    private final Random random = new Random(20261124);
    private long lastNanos = System.nanoTime();

    /** Serves {@code scenarios}: per scenario name, the canary's and then the baseline's behaviour. */
    public SimulatedTrafficService(Map<String, Behaviour[]> scenarios) throws IOException {
        scenarios.forEach((scenario, canaryAndBaseline) -> {
            tracks.put(scenario + "/canary", new Track(scenario, "canary", canaryAndBaseline[0]));
            tracks.put(scenario + "/baseline", new Track(scenario, "baseline", canaryAndBaseline[1]));
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** {@code host:port} to scrape. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private synchronized String scrape() {
        long now = System.nanoTime();
        double seconds = (now - lastNanos) / 1e9;
        lastNanos = now;
        StringBuilder text = new StringBuilder();
        text.append("# TYPE http_requests_total counter\n");
        for (Track t : tracks.values()) {
            t.serve(seconds, random);
            text.append(String.format(Locale.ROOT, "http_requests_total{%s,code=\"200\"} %d%n", t.labels(), t.ok));
            text.append(String.format(Locale.ROOT, "http_requests_total{%s,code=\"500\"} %d%n", t.labels(), t.errors));
        }
        text.append("# TYPE http_request_duration_seconds histogram\n");
        for (Track t : tracks.values()) {
            for (int i = 0; i < BUCKETS.length; i++) {
                text.append(String.format(Locale.ROOT, "http_request_duration_seconds_bucket{%s,le=\"%s\"} %d%n", t.labels(), BUCKETS[i], t.buckets[i]));
            }
            text.append(String.format(Locale.ROOT, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d%n", t.labels(), t.ok + t.errors));
            text.append(String.format(Locale.ROOT, "http_request_duration_seconds_sum{%s} %.6f%n", t.labels(), t.sum));
            text.append(String.format(Locale.ROOT, "http_request_duration_seconds_count{%s} %d%n", t.labels(), t.ok + t.errors));
        }
        return text.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static final class Track {
        final String scenario;
        final String track;
        final Behaviour behaviour;
        long ok;
        long errors;
        final long[] buckets = new long[BUCKETS.length];
        double sum;
        double owed;

        Track(String scenario, String track, Behaviour behaviour) {
            this.scenario = scenario;
            this.track = track;
            this.behaviour = behaviour;
        }

        String labels() {
            return "app=\"checkout\",scenario=\"" + scenario + "\",track=\"" + track + "\"";
        }

        void serve(double seconds, Random random) {
            // Arrivals jitter by +-30 % around the rate; fractions carry over so low rates still add up.
            owed += behaviour.requestsPerSecond() * seconds * (0.7 + 0.6 * random.nextDouble());
            long count = (long) owed;
            owed -= count;
            for (long i = 0; i < count; i++) {
                if (random.nextDouble() < behaviour.errorRate()) {
                    errors++;
                } else {
                    ok++;
                }
                double latency = behaviour.medianSeconds() * Math.exp(0.4 * random.nextGaussian());
                sum += latency;
                for (int b = 0; b < BUCKETS.length; b++) {
                    if (latency <= BUCKETS[b]) {
                        buckets[b]++;
                    }
                }
            }
        }
    }
}
