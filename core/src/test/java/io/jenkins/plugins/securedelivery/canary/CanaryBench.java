package io.jenkins.plugins.securedelivery.canary;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.jenkins.plugins.securedelivery.canary.CanaryResource.Controller;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.mockwebserver.MockWebServer;

/**
 * bench/canary.sh: many canary watches in one JVM on a small shared scheduler, against the mock API server (CRUD mode)
 * holding one Rollout per watch, each a canary at a timed pause so it is analysed on every poll. Prints the threads
 * by kind, the retained heap per watch after GC, and polls and analyses per minute.
 *
 * <pre>
 *   --watches N        watches (1000)
 *   --seconds S        how long they run, the first 10 s (at most) not measured (40)
 *   --interval S       seconds between two polls of a watch (5)
 *   --threads T        scheduler threads (2)
 *   --analysis fixed   an analysis that passes at once (default); or the class name of a CanaryAnalysis with a public
 *                      constructor taking the --prometheus URL (or none without it)
 *   --prometheus URL   given to that constructor
 * </pre>
 */
public final class CanaryBench {

    private CanaryBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("--watches", "1000", "--seconds", "40", "--interval", "5",
                "--threads", "2", "--analysis", "fixed"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        int count = Integer.parseInt(options.get("--watches"));
        int seconds = Integer.parseInt(options.get("--seconds"));
        Duration interval = Duration.ofSeconds(Long.parseLong(options.get("--interval")));
        int threads = Integer.parseInt(options.get("--threads"));
        AtomicLong analyses = new AtomicLong();
        CanaryAnalysis inner = analysis(options.get("--analysis"), options.get("--prometheus"));
        CanaryAnalysis counted = (target, from, to) -> {
            analyses.incrementAndGet();
            return inner.analyze(target, from, to);
        };

        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        KubernetesClient client = server.createClient();
        Controllers argo = new Controllers(client);
        Instant since = Instant.now().minusSeconds(60);
        for (int i = 0; i < count; i++) {
            argo.createProgressingRollout("service-" + i, String.format(Locale.ROOT, "c%08x", i), since);
        }
        try (KubernetesConnection cluster = KubernetesConnection.of(client)) {
            argo.rollout("service-0");
            Map<String, Integer> threadsBefore = threads();
            long heapBefore = retainedHeap();

            WatchSettings settings = new WatchSettings(interval, 2, InconclusiveAction.FAIL, Duration.ofHours(1), false);
            List<CompletableFuture<CanaryResult>> results = new ArrayList<>();
            List<CanaryWatch> watches = new ArrayList<>();
            long started;
            long pollsAtWarm;
            long analysesAtWarm;
            long pollsAtEnd;
            long analysesAtEnd;
            Map<String, Integer> threadsDuring;
            long heapAfter;
            try (CanaryWatches scheduler = new CanaryWatches(threads)) {
                for (int i = 0; i < count; i++) {
                    CanaryWatch watch = CanaryWatch.start(cluster, new CanaryResource(Controller.ARGO_ROLLOUTS,
                            Controllers.NAMESPACE, "service-" + i), counted, settings, null);
                    watches.add(watch);
                    results.add(scheduler.watch(watch));
                }
                long warmUp = Math.min(interval.toMillis() * 2, 10_000);
                Thread.sleep(warmUp);
                started = System.nanoTime();
                pollsAtWarm = scheduler.polls();
                analysesAtWarm = analyses.get();
                Thread.sleep(Math.max(0, seconds * 1000L - warmUp));
                double minutes = (System.nanoTime() - started) / 60e9;
                pollsAtEnd = scheduler.polls();
                analysesAtEnd = analyses.get();
                threadsDuring = threads();
                heapAfter = retainedHeap();
                long finished = results.stream().filter(CompletableFuture::isDone).count();
                report(count, threads, interval, minutes, pollsAtEnd - pollsAtWarm, analysesAtEnd - analysesAtWarm,
                        threadsBefore, threadsDuring, heapBefore, heapAfter, finished, watches.get(0).state());
            }
        } finally {
            client.close();
            server.destroy();
        }
    }

    private static CanaryAnalysis analysis(String name, String prometheus) throws ReflectiveOperationException {
        if ("fixed".equals(name)) {
            return (target, from, to) -> Verdicts.verdict(Outcome.PASS, from, to);
        }
        Class<?> type = Class.forName(name);
        Object analysis = prometheus != null ? type.getConstructor(String.class).newInstance(prometheus)
                : type.getConstructor().newInstance();
        return (CanaryAnalysis) analysis;
    }

    private static void report(int count, int threads, Duration interval, double minutes, long polls, long analyses,
            Map<String, Integer> before, Map<String, Integer> during, long heapBefore, long heapAfter, long finished,
            WatchState sample) {
        System.out.printf(Locale.ROOT, "watches: %d on %d scheduler thread(s), polling every %ss, measured over %.2f min%n",
                count, threads, interval.toSeconds(), minutes);
        System.out.printf(Locale.ROOT, "polls per minute: %.0f (expected %d); analyses per minute: %.0f; finished early: %d%n",
                polls / minutes, count * 60 / interval.toSeconds(), analyses / minutes, finished);
        System.out.printf(Locale.ROOT, "retained heap per watch after GC: %.1f KB (%.1f MB for all, state JSON %d bytes)%n",
                (heapAfter - heapBefore) / 1024.0 / count, (heapAfter - heapBefore) / 1048576.0, sample.toJson().length());
        System.out.println("threads by kind before the watches: " + before);
        System.out.println("threads by kind while watching:     " + during);
        int added = 0;
        for (Map.Entry<String, Integer> e : during.entrySet()) {
            if (!e.getKey().equals("mock API server")) {
                added += e.getValue() - before.getOrDefault(e.getKey(), 0);
            }
        }
        System.out.println("threads the watches added (not counting the in-process mock server): " + added);
    }

    private static Map<String, Integer> threads() {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            String kind = n.startsWith("canary-watch-") ? "canary scheduler"
                    : n.startsWith("MockWebServer") ? "mock API server"
                    : n.startsWith("OkHttp") ? "HTTP client (OkHttp)"
                    : "JVM and other";
            kinds.merge(kind, 1, Integer::sum);
        }
        return kinds;
    }

    private static long retainedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
