package io.jenkins.plugins.securedelivery.canary;

/**
 * One metric's part of a verdict, with everything needed to check it by hand: the queries as sent, how many samples
 * each side had, the values, the threshold or test statistic, and why it passed or failed, in plain words.
 *
 * @param threshold    the fixed threshold as the user wrote it ({@code ">= 0.99"}), or null if the metric only compares
 * @param statistic    the Mann-Whitney U statistic, or null when no comparison was made
 * @param pValue       the test's p-value, or null when no comparison was made
 * @param effectSize   the effect size of the comparison, or null when no comparison was made
 */
public record MetricVerdict(
        String name,
        double weight,
        boolean critical,
        String canaryQuery,
        String baselineQuery,
        int canarySamples,
        int baselineSamples,
        Double canaryValue,
        Double baselineValue,
        String threshold,
        Double statistic,
        Double pValue,
        Double effectSize,
        Outcome outcome,
        String reason) {}
