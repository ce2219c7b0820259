package io.jenkins.plugins.securedelivery.metrics;

import java.time.Duration;
import java.util.Locale;

/**
 * The performance levels of the DORA State of DevOps reports 2023 and 2024, for the two figures whose level boundaries
 * are the same in both reports: deployment frequency and lead time for changes. (Change failure rate and recovery time
 * have no stable boundaries: in 2024 the medium cluster has a lower failure rate than the high one.)
 */
public enum PerformanceLevel {
    ELITE, HIGH, MEDIUM, LOW;

    /** A month, for the boundaries "once per month" and "one month", is 30 days here. */
    static final double DAYS_PER_MONTH = 30.0;

    /**
     * On demand (more than one a day on average) is elite; at least once a week, high; at least once a month,
     * medium; fewer, low.
     */
    static PerformanceLevel ofDeploymentsPerDay(double perDay) {
        if (perDay > 1.0 + ROUNDING) {
            return ELITE;
        }
        if (perDay * 7 >= 1.0 - ROUNDING) {
            return HIGH;
        }
        return perDay * DAYS_PER_MONTH >= 1.0 - ROUNDING ? MEDIUM : LOW;
    }

    /** One deployment in 30 days is 1/30 a day: multiplied back by 30 it must still reach once a month. */
    private static final double ROUNDING = 1e-9;

    /** Less than a day is elite; up to a week, high; up to a month, medium; longer, low. */
    static PerformanceLevel ofLeadTime(Duration median) {
        if (median.compareTo(Duration.ofDays(1)) < 0) {
            return ELITE;
        }
        if (median.compareTo(Duration.ofDays(7)) <= 0) {
            return HIGH;
        }
        return median.compareTo(Duration.ofDays((long) DAYS_PER_MONTH)) <= 0 ? MEDIUM : LOW;
    }

    /** elite, high, medium, low: as the reports and the JSON and Prometheus outputs spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
