package io.jenkins.plugins.securedelivery.canary;

/**
 * One metric of a policy.
 *
 * @param query    PromQL template with {@code {{selector}}} (and {@code {{window}}}, {@code {{range}}}, target variables)
 * @param min      the canary's mean must be at least this, or null
 * @param max      the canary's mean must be at most this, or null
 * @param compare  whether the canary is tested against the baseline (Mann-Whitney U)
 * @param critical a failure of this metric fails the whole analysis, whatever the score
 */
record PolicyMetric(String name, String query, Direction direction, Double min, Double max, boolean compare, double weight, boolean critical) {

    /** The fixed threshold as a user reads it ({@code ">= 0.99"}), or null when there is none. */
    String threshold() {
        if (min == null && max == null) {
            return null;
        }
        if (min != null && max != null) {
            return ">= " + number(min) + " and <= " + number(max);
        }
        return min != null ? ">= " + number(min) : "<= " + number(max);
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
