package io.jenkins.plugins.securedelivery;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lengths of time as users write them in policies, options and step parameters: a number and one unit ({@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, {@code 2w}) or ISO-8601 ({@code PT30S}, {@code P7D}). Callers turn an
 * empty answer into their own error, which names their input.
 */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d|w)");

    private Durations() {}

    /** The positive length {@code text} says, or empty when it is not one. */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration duration;
        try {
            Matcher m = SHORT.matcher(t);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                duration = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(7 * n);
                };
            } else if (t.startsWith("p")) {
                duration = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else {
                return Optional.empty();
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
        return duration.isZero() || duration.isNegative() ? Optional.empty() : Optional.of(duration);
    }

    /** A length as users write it, in the largest unit it is a whole number of (5m, 30s, 90s, 2h, 500ms): {@link #parse} reads it back. */
    public static String text(Duration duration) {
        long millis = duration.toMillis();
        long[] sizes = {7 * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"w", "d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis != 0 && millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }
}
