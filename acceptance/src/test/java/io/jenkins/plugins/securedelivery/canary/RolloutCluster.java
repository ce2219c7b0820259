package io.jenkins.plugins.securedelivery.canary;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * What a canary watch in the controller talks to, started by the acceptance suite from core's canary test fixtures:
 * fabric8's Kubernetes mock API server in CRUD mode (the only fake allowed here) with Argo Rollouts played by core's
 * {@link Controllers} (a reconcile every 300 ms, as Argo would move a promoted or aborted rollout), and a real
 * Prometheus (Debian's) scraping core's simulated traffic service, whose canary and baseline behave per scenario.
 */
public final class RolloutCluster implements AutoCloseable {

    public static final String NAMESPACE = Controllers.NAMESPACE;
    public static final String PROMETHEUS_USER = PrometheusServer.USER;
    public static final String PROMETHEUS_PASSWORD = PrometheusServer.PASSWORD;

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Controllers argo;
    private final SimulatedTrafficService traffic;
    private final PrometheusServer prometheus;
    private final ScheduledExecutorService argoLoop = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Boolean> reconciled = new java.util.concurrent.ConcurrentHashMap<>();

    public RolloutCluster(Path directory) throws IOException, InterruptedException {
        server = new KubernetesMockServer(new Context(), new okhttp3.mockwebserver.MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        argo = new Controllers(client);
        SimulatedTrafficService.Behaviour good = new SimulatedTrafficService.Behaviour(40, 0.003, 0.080);
        traffic = new SimulatedTrafficService(Map.of(
                "healthy", new SimulatedTrafficService.Behaviour[] {new SimulatedTrafficService.Behaviour(40, 0.001, 0.060), good},
                "bad-errors", new SimulatedTrafficService.Behaviour[] {new SimulatedTrafficService.Behaviour(40, 0.08, 0.080), good}));
        prometheus = new PrometheusServer(Files.createDirectories(directory.resolve("prometheus")), traffic.address());
        argoLoop.scheduleWithFixedDelay(this::reconcileAll, 300, 300, TimeUnit.MILLISECONDS);
    }

    /** The API server's URL, as a kubeconfig names it. */
    public String apiUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public String prometheusUrl() {
        return prometheus.url();
    }

    /** Waits until Prometheus has enough scrapes for a first analysis window. */
    public void awaitScrapes(int scrapes) throws IOException, InterruptedException {
        prometheus.awaitScrapes(scrapes, java.time.Duration.ofSeconds(60));
    }

    /** A Rollout at its stable revision, then a new canary paused at 10% (seed 000's steps: 10% pause, 50% pause, 100%). */
    public void startCanary(String name, String hash) {
        argo.createRollout(name);
        argo.startCanary(name, hash, Instant.now());
        reconciled.put(name, true);
    }

    /** A canary at 10% in a timed pause that Argo ends by itself: a watch judges it on every poll and never promotes it. */
    public void startTimedCanary(String name, String hash) {
        argo.createProgressingRollout(name, hash, Instant.now());
        reconciled.put(name, true);
    }

    /** Argo's own step analysis fails the canary, and Argo aborts the rollout (Degraded, RolloutAborted). */
    public void failArgoAnalysis(String name) {
        argo.failOwnAnalysis(name, name + "-step-analysis", Instant.now());
    }

    /**
     * How many times the rollout was read with this bearer token since the last count: the polls of a watch holding the
     * token, not the reads of the suite's own Argo loop, whose client has none.
     */
    public int readsWithToken(String name, String token) throws InterruptedException {
        int reads = 0;
        RecordedRequest request;
        while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            reads += isRead(request, name, token) ? 1 : 0;
        }
        return reads;
    }

    /** Waits until the rollout was read with this bearer token {@code reads} times since the last count. */
    public void awaitReadsWithToken(String name, String token, int reads, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (seen < reads) {
            long left = deadline - System.nanoTime();
            RecordedRequest request = left > 0 ? server.takeRequest(left, TimeUnit.NANOSECONDS) : null;
            if (request == null) {
                throw new AssertionError("the rollout " + name + " was read " + seen + " time(s) with the watch's token within "
                        + timeout + ", not " + reads);
            }
            seen += isRead(request, name, token) ? 1 : 0;
        }
    }

    private static boolean isRead(RecordedRequest request, String name, String token) {
        String path = request.getPath() == null ? "" : request.getPath().replaceFirst("\\?.*", "");
        return "GET".equals(request.getMethod()) && path.endsWith("/rollouts/" + name)
                && ("Bearer " + token).equals(request.getHeader("Authorization"));
    }

    /** The rollout's status as the mock API server holds it, e.g. {@code /status/phase}. */
    public String status(String name, String pointer) {
        return argo.rollout(name).at(pointer).asText();
    }

    /** Argo acts only when the watch patched something: a cleared pause or an abort (a blind write could undo a patch). */
    private void reconcileAll() {
        for (String name : reconciled.keySet()) {
            var status = argo.rollout(name).path("status");
            boolean moving = !status.path("currentPodHash").asText().equals(status.path("stableRS").asText())
                    && !"Degraded".equals(status.path("phase").asText());
            if (moving && (status.path("abort").asBoolean(false) || status.path("pauseConditions").isEmpty())) {
                argo.reconcile(name, Instant.now());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        argoLoop.shutdownNow();
        prometheus.close();
        traffic.close();
        client.close();
        server.destroy();
    }
}
