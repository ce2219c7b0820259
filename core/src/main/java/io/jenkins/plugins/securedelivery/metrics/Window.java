package io.jenkins.plugins.securedelivery.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The period the metrics look at: deployments made at or after {@code from} and before {@code to}.
 *
 * @param from inclusive
 * @param to   exclusive
 */
public record Window(Instant from, Instant to) {

    private static final Pattern SHORT = Pattern.compile("(\\d+)([hdw])");

    public Window {
        if (from == null || to == null || !from.isBefore(to)) {
            throw new IllegalArgumentException("a metrics window needs a start before its end, not " + from + " .. " + to);
        }
    }

    /** The {@code length} up to {@code now}, e.g. the last 90 days. */
    public static Window last(Duration length, Instant now) {
        return new Window(now.minus(length), now);
    }

    /**
     * Reads {@code --since}: a length back from {@code now} ({@code 90d}, {@code 12h}, {@code 4w}, or ISO-8601 such
     * as {@code P90D}), or a start date ({@code 2026-09-01}, UTC midnight) or instant ({@code 2026-09-01T00:00:00Z}).
     */
    public static Window since(String since, Instant now) {
        String text = since == null ? "" : since.trim();
        Matcher shortForm = SHORT.matcher(text.toLowerCase(Locale.ROOT));
        try {
            if (shortForm.matches()) {
                long n = Long.parseLong(shortForm.group(1));
                Duration unit = switch (shortForm.group(2)) {
                    case "h" -> Duration.ofHours(1);
                    case "d" -> Duration.ofDays(1);
                    default -> Duration.ofDays(7);
                };
                return last(unit.multipliedBy(n), now);
            }
            if (text.startsWith("P") || text.startsWith("p")) {
                return last(Duration.parse(text), now);
            }
            if (text.contains("T")) {
                return new Window(Instant.parse(text), now);
            }
            return new Window(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant(), now);
        } catch (DateTimeParseException | ArithmeticException | IllegalArgumentException e) {
            throw new IllegalArgumentException("since '" + since + "' is neither a length (90d, 12h, 4w, P90D) nor a "
                    + "start date or instant in the past (2026-09-01, 2026-09-01T00:00:00Z)", e);
        }
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(from) && instant.isBefore(to);
    }

    public Duration length() {
        return Duration.between(from, to);
    }

    /** The length in days, with fractions: a 36-hour window is 1.5 days. */
    public double days() {
        return length().toMillis() / 86_400_000.0;
    }
}
