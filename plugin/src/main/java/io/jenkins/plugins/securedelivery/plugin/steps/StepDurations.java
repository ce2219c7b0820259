package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Step parameters that are durations: {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 {@code PT30S}, as the CLI takes them. */
final class StepDurations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*([smhd])");

    private StepDurations() {
    }

    static Duration parse(String parameter, String text) throws AbortException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration duration;
        Matcher m = SHORT.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                duration = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                duration = Duration.parse(t.toUpperCase(Locale.ROOT));
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            duration = null;
        }
        if (duration == null || duration.isZero() || duration.isNegative()) {
            throw new AbortException(parameter + ": '" + text + "' is not a positive duration: write it like 30s, 5m, 1h, 2d or PT30S");
        }
        return duration;
    }
}
