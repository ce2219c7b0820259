package io.jenkins.plugins.securedelivery.canary;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task at once in the thread that hands it over, so that HTTP calls made for a canary watch run on the
 * watch's own scheduler thread instead of on a pool of their own. After {@link #shutdown()} it rejects tasks, as the
 * HTTP client that closes it expects. Written by hand: the JDK has no direct {@code ExecutorService}, and Guava is not
 * in the build.
 */
final class CallingThreadExecutor extends AbstractExecutorService {

    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("the HTTP client that ran this task was closed");
        }
        task.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    /** Tasks run in their callers' threads, so none is left running here once the callers have returned. */
    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }
}
