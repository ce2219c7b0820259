package io.jenkins.plugins.securedelivery.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The statistics against numbers published elsewhere, so a wrong sign or a wrong side cannot hide. */
class RankComparisonTest {

    /**
     * R's own example in {@code ?wilcox.test} (permeability constants of the human chorioamnion, Hollander and Wolfe,
     * Nonparametric Statistical Methods, 1973, p. 69): {@code wilcox.test(x, y, alternative = "g")} prints
     * {@code W = 35, p-value = 0.1272}. R's W is our U of the first sample.
     */
    @Test
    void matchesRsWilcoxTestOnItsDocumentedExample() {
        double[] x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
        double[] y = {1.15, 0.88, 0.90, 0.74, 1.21};

        RankComparison higher = RankComparison.of(x, y, Direction.INCREASE_IS_BAD);

        assertThat(higher.u()).isEqualTo(35);
        assertThat(higher.pValue()).isCloseTo(0.1272, within(0.00005));
        assertThat(higher.effectSize()).isCloseTo(2 * 35 / 50.0 - 1, within(1e-12));
    }

    /** With 3 and 3 values fully separated, the exact one-sided p-value is 1 / C(6,3) = 1/20. */
    @Test
    void fullySeparatedSmallSamplesGiveTheExactPermutationPValue() {
        RankComparison worse = RankComparison.of(new double[] {7, 8, 9}, new double[] {1, 2, 3}, Direction.INCREASE_IS_BAD);
        RankComparison better = RankComparison.of(new double[] {7, 8, 9}, new double[] {1, 2, 3}, Direction.DECREASE_IS_BAD);

        assertThat(worse.u()).isEqualTo(9);
        assertThat(worse.pValue()).isCloseTo(0.05, within(1e-12));
        assertThat(worse.effectSize()).isEqualTo(1.0);
        assertThat(worse.harm(Direction.INCREASE_IS_BAD)).isEqualTo(1.0);
        assertThat(better.pValue()).isCloseTo(1.0, within(1e-12));
        assertThat(better.harm(Direction.DECREASE_IS_BAD)).isEqualTo(-1.0);
    }

    @Test
    void aSuccessRateThatDropsIsSignificantWhenLowerIsBad() {
        double[] canary = {0.91, 0.93, 0.92, 0.90, 0.94, 0.92, 0.91, 0.93, 0.92, 0.90, 0.95, 0.91};
        double[] baseline = {0.999, 1.0, 0.998, 1.0, 1.0, 0.997, 0.999, 1.0, 1.0, 0.998, 0.999, 1.0};

        RankComparison c = RankComparison.of(canary, baseline, Direction.DECREASE_IS_BAD);

        assertThat(c.u()).isZero();
        assertThat(c.effectSize()).isEqualTo(-1.0);
        assertThat(c.harm(Direction.DECREASE_IS_BAD)).isEqualTo(1.0);
        assertThat(c.pValue()).isLessThan(0.001);
    }

    @Test
    void identicalSamplesShowNoDifferenceRatherThanANaN() {
        double[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

        RankComparison c = RankComparison.of(ones, ones.clone(), Direction.DECREASE_IS_BAD);

        assertThat(c.pValue()).isEqualTo(1.0);
        assertThat(c.effectSize()).isZero();
        assertThat(c.u()).isEqualTo(50);
    }
}
