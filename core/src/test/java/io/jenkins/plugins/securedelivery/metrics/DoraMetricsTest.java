package io.jenkins.plugins.securedelivery.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.gitops.Deployment;
import io.jenkins.plugins.securedelivery.gitops.ImagePin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoraMetricsTest {

    static final ImagePin IMAGE = ImagePin.parse("ghcr.io/org/medical-platform@sha256:" + "a".repeat(64));
    /** Ten days: 1 November 00:00 UTC (in) to 11 November 00:00 UTC (out). */
    static final Window TEN_DAYS = new Window(at("2026-11-01T00:00:00Z"), at("2026-11-11T00:00:00Z"));

    static Instant at(String instant) {
        return Instant.parse(instant);
    }

    static Deployment promotion(String commit, String deployedAt, String sourceCommittedAt) {
        return new Deployment(commit, at(deployedAt), "prod", List.of(IMAGE), "https://git.example.com/app.git",
                sourceCommittedAt == null ? null : "src-" + commit,
                sourceCommittedAt == null ? null : at(sourceCommittedAt), null, List.of(), null);
    }

    static Deployment rollback(String commit, String deployedAt, String rollbackOf) {
        return new Deployment(commit, at(deployedAt), "prod", List.of(IMAGE), null, null, null, null, List.of(), rollbackOf);
    }

    /**
     * Six promotions in the window (d1 on its first instant, d3 without a source time), one before it (d0) and one on
     * its end (d7, outside); d4 and d6 rolled back; r3 rolls back the rollback r2.
     */
    static List<Deployment> releaseHistory() {
        return List.of(
                promotion("d0", "2026-10-31T23:59:59Z", "2026-10-31T20:00:00Z"),
                promotion("d1", "2026-11-01T00:00:00Z", "2026-10-31T22:00:00Z"), // 2h
                promotion("d2", "2026-11-02T12:00:00Z", "2026-11-02T08:00:00Z"), // 4h
                promotion("d3", "2026-11-03T00:00:00Z", null),                   // no source time
                promotion("d4", "2026-11-05T00:00:00Z", "2026-11-04T00:00:00Z"), // 24h
                rollback("r1", "2026-11-05T00:30:00Z", "d4"),                    // restores d4 in 30m
                promotion("d5", "2026-11-06T00:00:00Z", "2026-11-05T23:00:00Z"), // 1h
                promotion("d6", "2026-11-08T00:00:00Z", "2026-11-07T18:00:00Z"), // 6h
                rollback("r2", "2026-11-08T02:00:00Z", "d6"),                    // restores d6 in 2h
                rollback("r3", "2026-11-08T03:00:00Z", "r2"),                    // rollback of a rollback
                promotion("d7", "2026-11-11T00:00:00Z", "2026-11-10T00:00:00Z"));
    }

    @Test
    void computesTheFourFiguresOfAKnownHistory() {
        DoraMetrics m = DoraMetrics.of("prod", releaseHistory(), TEN_DAYS);

        // 6 deployments (d1..d6) in 10 days; the 3 rollbacks are not deployments.
        assertThat(m.deploymentFrequency().deployments()).isEqualTo(6);
        assertThat(m.deploymentFrequency().rollbacks()).isEqualTo(3);
        assertThat(m.deploymentFrequency().perDay()).isEqualTo(0.6);
        assertThat(m.deploymentFrequency().perWeek()).isCloseTo(4.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(m.deploymentFrequency().level()).isEqualTo(PerformanceLevel.HIGH);

        // Lead times 1h, 2h, 4h, 6h, 24h: median 4h, p90 = 5th of 5 = 24h; d3 left out, not counted as 0.
        assertThat(m.leadTimeForChanges().measured()).isEqualTo(5);
        assertThat(m.leadTimeForChanges().withoutSourceTime()).isEqualTo(1);
        assertThat(m.leadTimeForChanges().median()).isEqualTo(Duration.ofHours(4));
        assertThat(m.leadTimeForChanges().p90()).isEqualTo(Duration.ofHours(24));
        assertThat(m.leadTimeForChanges().level()).isEqualTo(PerformanceLevel.ELITE);

        // d4 and d6 were rolled back: 2 of 6.
        assertThat(m.changeFailureRate().failed()).isEqualTo(2);
        assertThat(m.changeFailureRate().deployments()).isEqualTo(6);
        assertThat(m.changeFailureRate().rate()).isEqualTo(2.0 / 6);

        // 30m and 2h: median 1h15m.
        assertThat(m.timeToRestore().restores()).isEqualTo(2);
        assertThat(m.timeToRestore().median()).isEqualTo(Duration.ofMinutes(75));
    }

    @Test
    void anEmptyHistoryIsUnknownEverywhereNeverZero() {
        DoraMetrics m = DoraMetrics.of("prod", List.of(), TEN_DAYS);

        assertThat(m.deploymentFrequency().perDay()).isNull();
        assertThat(m.deploymentFrequency().perWeek()).isNull();
        assertThat(m.deploymentFrequency().level()).isNull();
        assertThat(m.leadTimeForChanges().median()).isNull();
        assertThat(m.leadTimeForChanges().p90()).isNull();
        assertThat(m.changeFailureRate().rate()).isNull();
        assertThat(m.timeToRestore().median()).isNull();
        assertThat(DoraFormat.TEXT.render(m)).contains("deployment frequency:  unknown")
                .contains("lead time for changes: unknown").contains("change failure rate:   unknown")
                .contains("time to restore:       unknown");
    }

    @Test
    void aQuietWindowInAKnownHistoryDeploysZeroTimesButItsRatesStayUnknown() {
        Window december = new Window(at("2026-12-01T00:00:00Z"), at("2026-12-31T00:00:00Z"));

        DoraMetrics m = DoraMetrics.of("prod", releaseHistory(), december);

        assertThat(m.deploymentFrequency().perDay()).isEqualTo(0.0);
        assertThat(m.deploymentFrequency().level()).isEqualTo(PerformanceLevel.LOW);
        assertThat(m.changeFailureRate().rate()).isNull();
        assertThat(m.leadTimeForChanges().median()).isNull();
        assertThat(m.timeToRestore().median()).isNull();
    }

    @Test
    void theWindowHoldsItsStartAndNotItsEnd() {
        Window exactly = new Window(at("2026-11-01T00:00:00Z"), at("2026-11-02T12:00:00Z"));

        DoraMetrics m = DoraMetrics.of("prod", releaseHistory(), exactly);

        // d1 on the start counts; d2 on the end does not; d0 one second before the start does not.
        assertThat(m.deploymentFrequency().deployments()).isEqualTo(1);
        assertThat(m.leadTimeForChanges().median()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void aRollbackAfterTheWindowStillMarksADeploymentOfTheWindowFailed() {
        Window untilD6 = new Window(at("2026-11-06T00:00:00Z"), at("2026-11-08T01:00:00Z"));

        DoraMetrics m = DoraMetrics.of("prod", releaseHistory(), untilD6);

        assertThat(m.deploymentFrequency().deployments()).isEqualTo(2); // d5, d6
        assertThat(m.deploymentFrequency().rollbacks()).isZero();       // r2 comes an hour after the window
        assertThat(m.changeFailureRate().failed()).isEqualTo(1);
        assertThat(m.changeFailureRate().rate()).isEqualTo(0.5);
        assertThat(m.timeToRestore().median()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void aRollbackOfARollbackIsNeitherADeploymentNorAFailure() {
        List<Deployment> history = List.of(
                promotion("d1", "2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z"),
                rollback("r1", "2026-11-02T00:10:00Z", "d1"),
                rollback("r2", "2026-11-02T00:20:00Z", "r1"),
                rollback("r3", "2026-11-02T00:30:00Z", "r2"));

        DoraMetrics m = DoraMetrics.of("prod", history, TEN_DAYS);

        assertThat(m.deploymentFrequency().deployments()).isEqualTo(1);
        assertThat(m.deploymentFrequency().rollbacks()).isEqualTo(3);
        assertThat(m.changeFailureRate().failed()).isEqualTo(1);
        assertThat(m.changeFailureRate().rate()).isEqualTo(1.0);
        assertThat(m.timeToRestore().restores()).isEqualTo(1);
        assertThat(m.timeToRestore().median()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aDeploymentRolledBackTwiceFailsOnceAndIsRestoredByTheFirstRollback() {
        List<Deployment> history = List.of(
                promotion("d1", "2026-11-02T00:00:00Z", null),
                promotion("d2", "2026-11-03T00:00:00Z", null),
                rollback("r2", "2026-11-03T05:00:00Z", "d2"),
                rollback("r1", "2026-11-03T01:00:00Z", "d2"));

        DoraMetrics m = DoraMetrics.of("prod", history, TEN_DAYS);

        assertThat(m.changeFailureRate().failed()).isEqualTo(1);
        assertThat(m.changeFailureRate().rate()).isEqualTo(0.5);
        assertThat(m.timeToRestore().median()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void deploymentsWithoutSourceTimesLeaveTheLeadTimeUnknownNotZero() {
        List<Deployment> history = List.of(
                promotion("d1", "2026-11-02T00:00:00Z", null),
                promotion("d2", "2026-11-03T00:00:00Z", null));

        DoraMetrics m = DoraMetrics.of("prod", history, TEN_DAYS);

        assertThat(m.leadTimeForChanges().measured()).isZero();
        assertThat(m.leadTimeForChanges().withoutSourceTime()).isEqualTo(2);
        assertThat(m.leadTimeForChanges().median()).isNull();
        assertThat(m.leadTimeForChanges().level()).isNull();
        assertThat(DoraFormat.TEXT.render(m)).contains("lead time for changes: unknown")
                .contains("2 without a source commit time left out");
    }

    @Test
    void aSourceCommitAfterItsDeploymentIsClockSkewAndLeftOut() {
        List<Deployment> history = List.of(
                promotion("d1", "2026-11-02T00:00:00Z", "2026-11-02T00:05:00Z"),
                promotion("d2", "2026-11-03T00:00:00Z", "2026-11-02T23:00:00Z"));

        DoraMetrics m = DoraMetrics.of("prod", history, TEN_DAYS);

        assertThat(m.leadTimeForChanges().measured()).isEqualTo(1);
        assertThat(m.leadTimeForChanges().sourceTimeAfterDeployment()).isEqualTo(1);
        assertThat(m.leadTimeForChanges().median()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleOnesAndP90IsANearestRank() {
        List<Duration> ten = new ArrayList<>();
        for (int i = 10; i >= 1; i--) {
            ten.add(Duration.ofMinutes(i));
        }
        assertThat(DoraMetrics.median(ten)).isEqualTo(Duration.ofSeconds(330)); // (5m + 6m) / 2
        assertThat(DoraMetrics.p90(ten)).isEqualTo(Duration.ofMinutes(9));      // ceil(0.9 * 10) = 9th
        assertThat(DoraMetrics.p90(ten.subList(0, 9))).isEqualTo(Duration.ofMinutes(10)); // ceil(8.1) = 9th of 2..10
        assertThat(DoraMetrics.p90(List.of(Duration.ofMinutes(7)))).isEqualTo(Duration.ofMinutes(7));
    }

    @Test
    void deploymentFrequencyLevelsFollowTheDoraReports() {
        assertThat(levelOf(11, 10)).isEqualTo(PerformanceLevel.ELITE);  // more than once a day
        assertThat(levelOf(10, 10)).isEqualTo(PerformanceLevel.HIGH);   // once a day
        assertThat(levelOf(1, 7)).isEqualTo(PerformanceLevel.HIGH);     // once a week
        assertThat(levelOf(1, 8)).isEqualTo(PerformanceLevel.MEDIUM);
        assertThat(levelOf(3, 90)).isEqualTo(PerformanceLevel.MEDIUM);  // once a month (30 days)
        assertThat(levelOf(2, 90)).isEqualTo(PerformanceLevel.LOW);
    }

    private static PerformanceLevel levelOf(int deployments, int days) {
        Instant start = at("2026-01-01T00:00:00Z");
        List<Deployment> history = new ArrayList<>();
        for (int i = 0; i < deployments; i++) {
            history.add(new Deployment("c" + i, start.plusSeconds(60L * i), "prod", List.of(IMAGE), null, null, null,
                    null, List.of(), null));
        }
        return DoraMetrics.of("prod", history, new Window(start, start.plus(Duration.ofDays(days))))
                .deploymentFrequency().level();
    }

    @Test
    void leadTimeLevelsFollowTheDoraReports() {
        assertThat(PerformanceLevel.ofLeadTime(Duration.ofHours(23))).isEqualTo(PerformanceLevel.ELITE);
        assertThat(PerformanceLevel.ofLeadTime(Duration.ofDays(1))).isEqualTo(PerformanceLevel.HIGH);
        assertThat(PerformanceLevel.ofLeadTime(Duration.ofDays(7))).isEqualTo(PerformanceLevel.HIGH);
        assertThat(PerformanceLevel.ofLeadTime(Duration.ofDays(8))).isEqualTo(PerformanceLevel.MEDIUM);
        assertThat(PerformanceLevel.ofLeadTime(Duration.ofDays(31))).isEqualTo(PerformanceLevel.LOW);
    }

    @Test
    void refusesAHistoryThatMixesEnvironments() {
        List<Deployment> history = List.of(new Deployment("s1", at("2026-11-02T00:00:00Z"), "staging", List.of(IMAGE),
                null, null, null, null, List.of(), null));

        assertThatThrownBy(() -> DoraMetrics.of("prod", history, TEN_DAYS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s1").hasMessageContaining("staging").hasMessageContaining("one environment");
    }
}
