package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.jenkins.plugins.securedelivery.canary.CanaryResource.Controller;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.mockwebserver.MockWebServer;

/**
 * bench/canary.sh: many canary watches in one JVM on a small shared scheduler, against the mock API server (CRUD mode)
 * holding one Rollout per watch, each a canary at a timed pause so it is analysed on every poll. By default each
 * analysis is the real {@link PrometheusAnalysis}, asking a real Prometheus (started by canary.sh) that scrapes a
 * {@link SimulatedTrafficService} run here. Prints the threads by kind, the retained heap per watch after GC, polls and
 * analyses per minute, and Prometheus queries per minute counted by the analysis and by Prometheus itself.
 *
 * <pre>
 *   --watches N           watches (1000)
 *   --seconds S           how long they run, the first 10 s (at most) not measured (40)
 *   --interval S          seconds between two polls of a watch (5)
 *   --threads T           scheduler threads (2)
 *   --analysis A          prometheus (default): the real analysis; fixed: one that passes at once, asking nobody
 *   --prometheus URL      the Prometheus to ask (required with --analysis prometheus)
 *   --targets FILE        the file_sd file that Prometheus reads its scrape target from (idem)
 * </pre>
 */
public final class CanaryBench {

    private CanaryBench() {
    }

    /**
     * Every watch's namespace is the scenario the traffic service simulates, so each watch fills the selectors. Steps of
     * 1 s give a 5 s window enough samples; as they overlap the 2 s rate windows, a low alpha keeps the two identical
     * tracks from looking different by chance (see docs/canary.md on step).
     */
    static final String POLICY = """
            preset: http
            canary: 'scenario="{{namespace}}", track="canary"'
            baseline: 'scenario="{{namespace}}", track="baseline"'
            step: 1s
            rateWindow: 2s
            minRequests: 20
            minSamples: 3
            alpha: 0.001
            """;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("--watches", "1000", "--seconds", "40", "--interval", "5",
                "--threads", "2", "--analysis", "prometheus"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        int count = Integer.parseInt(options.get("--watches"));
        int seconds = Integer.parseInt(options.get("--seconds"));
        Duration interval = Duration.ofSeconds(Long.parseLong(options.get("--interval")));
        int threads = Integer.parseInt(options.get("--threads"));
        boolean real = switch (options.get("--analysis")) {
            case "prometheus" -> true;
            case "fixed" -> false;
            default -> throw new IllegalArgumentException("--analysis: prometheus or fixed, not " + options.get("--analysis"));
        };
        System.out.printf(Locale.ROOT, "load average at the start: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        SimulatedTrafficService traffic = null;
        QueryCounter queries = null;
        CanaryAnalysis inner;
        String prometheus = options.get("--prometheus");
        if (real) {
            if (prometheus == null || options.get("--targets") == null) {
                throw new IllegalArgumentException("--analysis prometheus needs --prometheus URL and --targets FILE (bench/canary.sh gives them)");
            }
            SimulatedTrafficService.Behaviour same = new SimulatedTrafficService.Behaviour(40, 0.001, 0.080);
            traffic = new SimulatedTrafficService(Map.of(Controllers.NAMESPACE, new SimulatedTrafficService.Behaviour[] {same, same}));
            Path targets = Path.of(options.get("--targets"));
            Path written = Files.writeString(targets.resolveSibling(targets.getFileName() + ".new"),
                    "[{\"targets\": [\"" + traffic.address() + "\"]}]\n");
            Files.move(written, targets, StandardCopyOption.ATOMIC_MOVE);
            awaitScrapes(prometheus, 3, Duration.ofSeconds(60));
            queries = new QueryCounter(new LivePrometheus(PrometheusEndpoint.of(prometheus)));
            inner = new PrometheusAnalysis(CanaryPolicy.parse(POLICY, "bench policy"), queries);
        } else {
            inner = (target, from, to) -> Verdicts.verdict(Outcome.PASS, from, to);
        }
        AtomicLong analyses = new AtomicLong();
        Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new AtomicLong());
        }
        CanaryAnalysis counted = (target, from, to) -> {
            analyses.incrementAndGet();
            CanaryVerdict verdict = inner.analyze(target, from, to);
            outcomes.get(verdict.outcome()).incrementAndGet();
            return verdict;
        };

        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        KubernetesClient setup = server.createClient();
        Controllers argo = new Controllers(setup);
        Instant since = Instant.now().minusSeconds(60);
        for (int i = 0; i < count; i++) {
            argo.createProgressingRollout("service-" + i, String.format(Locale.ROOT, "c%08x", i), since);
        }
        // The watches' own client, built as in production (KubernetesConnection's), not the mock's test client.
        try (KubernetesConnection cluster = KubernetesConnection.token("http://127.0.0.1:" + server.getPort(), "bench-token", null)) {
            Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
            long heapBefore = retainedHeap();

            WatchSettings settings = new WatchSettings(interval, 2, InconclusiveAction.FAIL, Duration.ofHours(1), false);
            List<CompletableFuture<CanaryResult>> results = new ArrayList<>();
            List<CanaryWatch> watches = new ArrayList<>();
            try (CanaryWatches scheduler = new CanaryWatches(threads)) {
                for (int i = 0; i < count; i++) {
                    CanaryWatch watch = CanaryWatch.start(cluster, new CanaryResource(Controller.ARGO_ROLLOUTS,
                            Controllers.NAMESPACE, "service-" + i), counted, settings, null);
                    watches.add(watch);
                    results.add(scheduler.watch(watch));
                }
                long warmUp = Math.min(interval.toMillis() * 2, 10_000);
                Thread.sleep(warmUp);
                long started = System.nanoTime();
                Counts atWarm = new Counts(scheduler.polls(), analyses.get(), queries == null ? 0 : queries.queries.get(),
                        real ? prometheusQueries(prometheus) : 0);
                Thread.sleep(Math.max(0, seconds * 1000L - warmUp));
                double minutes = (System.nanoTime() - started) / 60e9;
                Counts atEnd = new Counts(scheduler.polls(), analyses.get(), queries == null ? 0 : queries.queries.get(),
                        real ? prometheusQueries(prometheus) : 0);
                Set<Thread> threadsDuring = Thread.getAllStackTraces().keySet();
                long heapAfter = retainedHeap();
                long finished = results.stream().filter(CompletableFuture::isDone).count();
                report(count, threads, interval, minutes, atWarm, atEnd, real, queries, outcomes, threadsBefore, threadsDuring,
                        heapBefore, heapAfter, finished, watches.get(0).state());
            }
        } finally {
            setup.close();
            server.destroy();
            if (traffic != null) {
                traffic.close();
            }
        }
    }

    private record Counts(long polls, long analyses, long queries, long prometheusQueries) {}

    /** Counts the queries the analysis sends, and those that failed (no answer, or not HTTP 200). */
    private static final class QueryCounter implements MetricSource {
        final MetricSource source;
        final AtomicLong queries = new AtomicLong();
        final AtomicLong failed = new AtomicLong();

        QueryCounter(MetricSource source) {
            this.source = source;
        }

        @Override
        public Answer rangeQuery(RangeQuery query) throws MetricQueryException {
            queries.incrementAndGet();
            try {
                Answer answer = source.rangeQuery(query);
                if (answer.status() != 200) {
                    failed.incrementAndGet();
                }
                return answer;
            } catch (MetricQueryException e) {
                failed.incrementAndGet();
                throw e;
            }
        }

        @Override
        public String describe() {
            return source.describe();
        }
    }

    /**
     * Waits until Prometheus has scraped the traffic service {@code scrapes} times, asking it. Over HttpURLConnection
     * with the connection closed each time, so that the bench's own calls leave no thread behind to count.
     */
    private static void awaitScrapes(String prometheus, int scrapes, Duration limit) throws IOException, InterruptedException {
        String query = prometheus + "/api/v1/query?query=" + URLEncoder.encode("count_over_time(up{job=\"canary-bench\"}[5m])", StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode result = new ObjectMapper().readTree(get(query)).path("data").path("result");
                if (result.size() == 1 && result.get(0).path("value").path(1).asDouble() >= scrapes) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet: ask again.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Prometheus at " + prometheus + " did not scrape the traffic service " + scrapes
                + " times within " + limit.toSeconds() + " s; see its log");
    }

    /** The range queries Prometheus has answered, from its own counter. */
    private static long prometheusQueries(String prometheus) throws IOException {
        long total = 0;
        for (String line : get(prometheus + "/metrics").split("\n")) {
            if (line.startsWith("prometheus_http_requests_total{") && line.contains("handler=\"/api/v1/query_range\"")) {
                total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static String get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestProperty("Connection", "close");
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(5_000);
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    private static void report(int count, int threads, Duration interval, double minutes, Counts warm, Counts end, boolean real,
            QueryCounter queries, Map<Outcome, AtomicLong> outcomes, Set<Thread> before, Set<Thread> during, long heapBefore,
            long heapAfter, long finished, WatchState sample) {
        System.out.printf(Locale.ROOT, "watches: %d on %d scheduler thread(s), polling every %ss, %s analysis, measured over %.2f min%n",
                count, threads, interval.toSeconds(), real ? "Prometheus" : "fixed", minutes);
        System.out.printf(Locale.ROOT, "polls per minute: %.0f (expected %d); analyses per minute: %.0f; finished early: %d%n",
                (end.polls() - warm.polls()) / minutes, count * 60 / interval.toSeconds(), (end.analyses() - warm.analyses()) / minutes, finished);
        System.out.println("verdicts since the start: " + outcomes);
        if (real) {
            System.out.printf(Locale.ROOT, "Prometheus range queries per minute: %.0f sent by the analysis, %.0f answered by Prometheus"
                    + " (its prometheus_http_requests_total{handler=\"/api/v1/query_range\"}); %d of %d queries since the start failed%n",
                    (end.queries() - warm.queries()) / minutes, (end.prometheusQueries() - warm.prometheusQueries()) / minutes,
                    queries.failed.get(), queries.queries.get());
        }
        System.out.printf(Locale.ROOT, "retained heap per watch after GC: %.1f KB (%.1f MB for all, state JSON %d bytes)%n",
                (heapAfter - heapBefore) / 1024.0 / count, (heapAfter - heapBefore) / 1048576.0, sample.toJson().length());
        System.out.println("threads by kind before the watches: " + kinds(before));
        System.out.println("threads by kind while watching:     " + kinds(during));
        Set<Thread> added = new HashSet<>(during);
        added.removeAll(before);
        added.removeIf(t -> kind(t).equals("mock API server"));
        System.out.println("threads the watches added (alive now, not before; not counting the in-process mock server): "
                + added.size() + " " + kinds(added) + " " + added.stream().map(Thread::getName).sorted().toList());
        // Okio's one watchdog serves every OkHttp client of the JVM; the mock's test client started it before the watches.
        List<String> shared = during.stream().filter(before::contains).filter(t -> kind(t).equals("HTTP timeouts (Okio)"))
                .map(Thread::getName).toList();
        System.out.println("JVM-wide thread they also use, started before them: " + shared);
        System.out.printf(Locale.ROOT, "load average at the end: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static Map<String, Integer> kinds(Set<Thread> threads) {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Thread t : threads) {
            kinds.merge(kind(t), 1, Integer::sum);
        }
        return kinds;
    }

    private static String kind(Thread t) {
        String n = t.getName();
        // OkHttp names a thread after the call it runs; with the watches' client that is a scheduler thread.
        return n.startsWith("canary-watch-") || n.startsWith("OkHttp http") ? "canary scheduler"
                : n.startsWith("MockWebServer") ? "mock API server"
                : n.equals("OkHttp ConnectionPool") ? "HTTP connection pool (OkHttp)"
                : n.equals("Okio Watchdog") ? "HTTP timeouts (Okio)"
                : n.startsWith("OkHttp") ? "HTTP client (OkHttp)"
                : n.startsWith("HttpClient-") ? "HTTP client (JDK)"
                : "JVM and other";
    }

    private static long retainedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
