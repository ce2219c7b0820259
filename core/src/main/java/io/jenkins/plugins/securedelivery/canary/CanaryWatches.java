package io.jenkins.plugins.securedelivery.canary;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs many canary watches on a few shared threads: a watch holds no thread between its polls, only its place in a
 * scheduled queue. A thousand watches polling every minute need one or two threads.
 *
 * <pre>{@code
 * try (CanaryWatches watches = new CanaryWatches(2)) {
 *     CompletableFuture<CanaryResult> result = watches.watch(watch, state -> save(state));
 *     ...
 * }
 * }</pre>
 */
public final class CanaryWatches implements AutoCloseable {

    /** More threads than this would only mean polls that block on slow servers, which the timeouts bound anyway. */
    public static final int MAX_THREADS = 4;

    private final ScheduledThreadPoolExecutor scheduler;
    private final Clock clock;
    private final Set<CompletableFuture<CanaryResult>> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong polls = new AtomicLong();

    public CanaryWatches(int threads) {
        this(threads, Clock.systemUTC());
    }

    CanaryWatches(int threads, Clock clock) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("canary watches run on 1 to " + MAX_THREADS + " threads, not " + threads);
        }
        AtomicInteger number = new AtomicInteger();
        this.scheduler = new ScheduledThreadPoolExecutor(threads, task -> {
            Thread thread = new Thread(task, "canary-watch-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.clock = clock;
    }

    /** Starts polling a watch now; the future completes with its result, or is cancelled to stop it. */
    public CompletableFuture<CanaryResult> watch(CanaryWatch watch) {
        return watch(watch, state -> { });
    }

    /**
     * Starts polling a watch now.
     *
     * @param onAgain told the state to keep after every poll that is not the last, to save it for a restart
     */
    public CompletableFuture<CanaryResult> watch(CanaryWatch watch, Consumer<WatchState> onAgain) {
        CompletableFuture<CanaryResult> future = new CompletableFuture<>();
        running.add(future);
        // Cancelled from outside: forget it. Ends reached here are forgotten before the future completes (below), so that
        // whoever waits on it sees active() without it.
        future.whenComplete((r, e) -> running.remove(future));
        scheduler.execute(() -> poll(watch, onAgain, future));
        return future;
    }

    private void poll(CanaryWatch watch, Consumer<WatchState> onAgain, CompletableFuture<CanaryResult> future) {
        if (future.isDone()) {
            return;
        }
        try {
            polls.incrementAndGet();
            PollResult step = watch.poll(clock.instant());
            if (step instanceof PollResult.Done done) {
                running.remove(future);
                future.complete(done.result());
            } else if (step instanceof PollResult.Again again) {
                onAgain.accept(again.state());
                scheduler.schedule(() -> poll(watch, onAgain, future), again.after().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException | Error bug) {
            running.remove(future);
            future.completeExceptionally(bug);
        }
    }

    /** Watches not finished yet. */
    public int active() {
        return running.size();
    }

    /** Polls made since this scheduler started. */
    long polls() {
        return polls.get();
    }

    /** Stops every watch: their futures are cancelled; their last saved states can resume them elsewhere. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        for (CompletableFuture<CanaryResult> future : running) {
            future.completeExceptionally(new CancellationException("the canary watches were closed"));
        }
    }
}
