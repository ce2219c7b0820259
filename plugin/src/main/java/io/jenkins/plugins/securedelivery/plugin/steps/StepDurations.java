package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import io.jenkins.plugins.securedelivery.Durations;
import java.time.Duration;

/** Step parameters that are durations: {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 {@code PT30S}, as the CLI takes them. */
final class StepDurations {

    private StepDurations() {
    }

    static Duration parse(String parameter, String text) throws AbortException {
        return Durations.parse(text).orElseThrow(() -> new AbortException(parameter + ": '" + text
                + "' is not a positive duration: write it like 30s, 5m, 1h, 2d or PT30S"));
    }
}
