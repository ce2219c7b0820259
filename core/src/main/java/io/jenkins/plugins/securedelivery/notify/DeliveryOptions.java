package io.jenkins.plugins.securedelivery.notify;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard a notification tries: timeouts, and a bounded retry on 429 and 5xx answers and refused connections.
 *
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for an answer; a request that times out is not retried, since it may have
 *                       been delivered and a second try would post twice
 * @param attempts       requests at most, the first included
 * @param backoff        wait before the first retry when the service names none; doubled for each next one
 * @param maxRetryAfter  the longest {@code Retry-After} honoured; a service asking for longer gets a failed result
 *                       at once rather than a blocked pipeline
 */
public record DeliveryOptions(Duration connectTimeout, Duration requestTimeout, int attempts, Duration backoff, Duration maxRetryAfter) {

    public DeliveryOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (attempts < 1) {
            throw new IllegalArgumentException("a notification needs at least one attempt");
        }
    }

    /** 5 s to connect, 10 s for an answer, 3 attempts, 1 s backoff, Retry-After up to 30 s. */
    public static DeliveryOptions defaults() {
        return new DeliveryOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), 3, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }
}
