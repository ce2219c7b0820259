package io.jenkins.plugins.securedelivery.canary;

import java.time.Duration;
import java.util.Objects;

/** What one poll of a {@link CanaryWatch} answered: done, or look again later. */
public sealed interface PollResult {

    /** The watch is over; nothing more will be done. */
    record Done(CanaryResult result) implements PollResult {
        public Done {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * Poll again after {@code after}; {@code state} is what to keep (and save) to resume the watch, also in another
     * process.
     */
    record Again(Duration after, WatchState state) implements PollResult {
        public Again {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(state, "state");
        }
    }
}
