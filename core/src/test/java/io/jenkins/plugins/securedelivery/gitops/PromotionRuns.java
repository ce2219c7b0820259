package io.jenkins.plugins.securedelivery.gitops;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Our promotion engine in one long-lived JVM (as on a Jenkins agent), driven line by line by bench/promote.sh so that
 * its runs alternate with the C git ones:
 * <pre>
 * promote IMAGE=NEWNAME@sha256:...          -> "ok SECONDS ATTEMPTS" or "error MESSAGE"
 * concurrent PIN PIN ...                    -> "ok SECONDS ATTEMPTS FAILED" (all started at once, one thread each)
 * </pre>
 * Arguments: the repository URL and the environment.
 */
public final class PromotionRuns {

    private PromotionRuns() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String environment = args[1];
        Path work = Files.createTempDirectory("promotion-runs");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            List<String> words = Arrays.asList(line.trim().split("\\s+"));
            long t0 = System.nanoTime();
            if (words.get(0).equals("promote")) {
                try {
                    PromotionResult result = promote(url, environment, words.get(1), work);
                    System.out.printf(Locale.ROOT, "ok %.3f %d%n", seconds(t0), result.attempts());
                } catch (RuntimeException e) {
                    System.out.println("error " + e.getMessage().replace('\n', ' '));
                }
            } else if (words.get(0).equals("concurrent")) {
                List<String> pins = words.subList(1, words.size());
                ExecutorService pool = Executors.newFixedThreadPool(pins.size());
                CountDownLatch start = new CountDownLatch(1);
                List<Future<PromotionResult>> results = new ArrayList<>();
                for (String pin : pins) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return promote(url, environment, pin, work);
                    }));
                }
                t0 = System.nanoTime();
                start.countDown();
                int attempts = 0;
                int failed = 0;
                for (Future<PromotionResult> result : results) {
                    try {
                        attempts += result.get().attempts();
                    } catch (Exception e) {
                        failed++;
                        System.err.println("concurrent promotion failed: " + e.getMessage());
                    }
                }
                System.out.printf(Locale.ROOT, "ok %.3f %d %d%n", seconds(t0), attempts, failed);
                pool.shutdown();
            } else {
                System.out.println("error unknown command: " + line);
            }
            System.out.flush();
        }
    }

    private static PromotionResult promote(String url, String environment, String pin, Path work) {
        List<ImagePin> release = List.of(ImagePin.parse(pin));
        return new Promotion().repository(url).environment(environment).images(release)
                .editor(pins -> new OverlayEditor(pins, false)).workDirectory(work).call();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
