package io.jenkins.plugins.securedelivery.canary;

import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * Is the canary worse than its baseline? A one-sided Mann-Whitney U test (Apache Commons Statistics: exact p-values
 * for small samples without ties, the normal approximation with tie and continuity correction otherwise), with the
 * rank-biserial correlation as effect size.
 *
 * @param u          U of the canary: the number of (canary, baseline) pairs where the canary is higher, ties counting half
 * @param pValue     the probability of a difference at least this large in the bad direction if both came from one distribution
 * @param effectSize rank-biserial correlation {@code 2U / (n1 n2) - 1}, from -1 (every canary value lower) to +1 (every
 *                   canary value higher); the same number as Cliff's delta
 */
record RankComparison(double u, double pValue, double effectSize) {

    static RankComparison of(double[] canary, double[] baseline, Direction bad) {
        if (canary.length == 0 || baseline.length == 0) {
            throw new IllegalArgumentException("both samples need values, got " + canary.length + " and " + baseline.length);
        }
        double u = MannWhitneyUTest.withDefaults().statistic(canary, baseline);
        double effect = 2 * u / ((double) canary.length * baseline.length) - 1;
        if (allEqual(canary, baseline)) {
            // Every value tied: no evidence of any difference; the library's normal approximation would divide by zero.
            return new RankComparison(u, 1.0, 0.0);
        }
        AlternativeHypothesis worse = bad == Direction.INCREASE_IS_BAD ? AlternativeHypothesis.GREATER_THAN : AlternativeHypothesis.LESS_THAN;
        double p = MannWhitneyUTest.withDefaults().with(worse).test(canary, baseline).getPValue();
        return new RankComparison(u, p, effect);
    }

    /** The effect size measured in the bad direction: positive when the canary is worse. */
    double harm(Direction bad) {
        return bad == Direction.INCREASE_IS_BAD ? effectSize : -effectSize;
    }

    private static boolean allEqual(double[] a, double[] b) {
        double first = a[0];
        for (double v : a) {
            if (v != first) {
                return false;
            }
        }
        for (double v : b) {
            if (v != first) {
                return false;
            }
        }
        return true;
    }
}
