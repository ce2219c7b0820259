package io.jenkins.plugins.securedelivery.metrics;

import io.jenkins.plugins.securedelivery.gitops.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The four DORA figures of one environment over a window, computed from its deployment history alone (the GitOps
 * commits' trailers). Every figure carries the counts it was computed from and is unknown (null), never 0, when there
 * is nothing to compute it from. docs/dora.md defines each figure.
 *
 * @param environment         the environment measured
 * @param window              the period measured
 * @param deploymentFrequency promotions per day and per week
 * @param leadTimeForChanges  source commit to deployment
 * @param changeFailureRate   share of deployments later rolled back
 * @param timeToRestore       failed deployment to the rollback that replaced it
 */
public record DoraMetrics(String environment, Window window, DeploymentFrequency deploymentFrequency,
                          LeadTime leadTimeForChanges, ChangeFailureRate changeFailureRate, TimeToRestore timeToRestore) {

    /**
     * @param deployments promotions in the window (rollbacks are not deployments)
     * @param rollbacks   rollbacks in the window, for information
     * @param perDay      deployments / window days; null when the history holds no deployment of the environment at all
     * @param level       DORA level of {@code perDay}, null when unknown
     */
    public record DeploymentFrequency(int deployments, int rollbacks, Double perDay, PerformanceLevel level) {
        public Double perWeek() {
            return perDay == null ? null : perDay * 7;
        }
    }

    /**
     * @param measured                  deployments in the window with a source commit time
     * @param withoutSourceTime         deployments in the window without one: left out, never counted as zero
     * @param sourceTimeAfterDeployment deployments whose source commit time is after their deployment (clock skew):
     *                                  left out
     * @param median                    null when nothing was measured
     * @param p90                       nearest rank: the ceil(0.9 n)-th shortest measured lead time; null when none
     * @param level                     DORA level of the median, null when unknown
     */
    public record LeadTime(int measured, int withoutSourceTime, int sourceTimeAfterDeployment, Duration median,
                           Duration p90, PerformanceLevel level) {
    }

    /**
     * @param deployments deployments in the window
     * @param failed      those of them a rollback names (rollbackOf), whenever that rollback was made
     * @param rate        failed / deployments; null when there was no deployment in the window
     */
    public record ChangeFailureRate(int deployments, int failed, Double rate) {
    }

    /**
     * @param restores            failed deployments of the window measured: each to the first rollback naming it
     * @param rollbackBeforeFailure failed deployments whose rollback's time is before theirs (clock skew): left out
     * @param median              null when no failed deployment was measured
     */
    public record TimeToRestore(int restores, int rollbackBeforeFailure, Duration median) {
    }

    /**
     * Computes the figures of {@code environment} over {@code window}. The history should be the environment's whole
     * history (or at least everything from the window's start on): a rollback made after the window still marks a
     * deployment of the window as failed.
     *
     * @throws IllegalArgumentException when the history holds another environment's deployment
     */
    public static DoraMetrics of(String environment, List<Deployment> history, Window window) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(window, "window");
        for (Deployment d : history) {
            if (!environment.equals(d.environment())) {
                throw new IllegalArgumentException("the history of " + environment + " holds commit " + d.commit()
                        + " of environment " + d.environment() + ": compute DORA metrics from one environment's history");
            }
        }
        List<Deployment> deployments = new ArrayList<>();
        int rollbacks = 0;
        Map<String, Deployment> firstRollbackOf = new HashMap<>();
        for (Deployment d : history) {
            if (d.isRollback()) {
                firstRollbackOf.merge(d.rollbackOf(), d,
                        (a, b) -> a.deployedAt().isAfter(b.deployedAt()) ? b : a);
                if (window.contains(d.deployedAt())) {
                    rollbacks++;
                }
            } else if (window.contains(d.deployedAt())) {
                deployments.add(d);
            }
        }
        boolean anyPromotion = history.stream().anyMatch(d -> !d.isRollback());

        Double perDay = anyPromotion ? deployments.size() / window.days() : null;
        DeploymentFrequency frequency = new DeploymentFrequency(deployments.size(), rollbacks, perDay,
                perDay == null ? null : PerformanceLevel.ofDeploymentsPerDay(perDay));

        List<Duration> leadTimes = new ArrayList<>();
        int withoutSource = 0;
        int sourceAfter = 0;
        for (Deployment d : deployments) {
            if (d.sourceCommittedAt() == null) {
                withoutSource++;
                continue;
            }
            Duration leadTime = Duration.between(d.sourceCommittedAt(), d.deployedAt());
            if (leadTime.isNegative()) {
                sourceAfter++;
            } else {
                leadTimes.add(leadTime);
            }
        }
        Duration leadMedian = median(leadTimes);
        LeadTime leadTime = new LeadTime(leadTimes.size(), withoutSource, sourceAfter, leadMedian,
                p90(leadTimes), leadMedian == null ? null : PerformanceLevel.ofLeadTime(leadMedian));

        List<Duration> restoreTimes = new ArrayList<>();
        int failed = 0;
        int rollbackBefore = 0;
        for (Deployment d : deployments) {
            Deployment rollback = firstRollbackOf.get(d.commit());
            if (rollback == null) {
                continue;
            }
            failed++;
            Duration restore = Duration.between(d.deployedAt(), rollback.deployedAt());
            if (restore.isNegative()) {
                rollbackBefore++;
            } else {
                restoreTimes.add(restore);
            }
        }
        ChangeFailureRate failureRate = new ChangeFailureRate(deployments.size(), failed,
                deployments.isEmpty() ? null : (double) failed / deployments.size());
        TimeToRestore restore = new TimeToRestore(restoreTimes.size(), rollbackBefore, median(restoreTimes));
        return new DoraMetrics(environment, window, frequency, leadTime, failureRate, restore);
    }

    /** The middle value; for an even count, the mean of the two middle ones. Null for none. */
    static Duration median(List<Duration> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Duration> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n % 2 == 1) {
            return sorted.get(n / 2);
        }
        return sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    }

    /** The ceil(0.9 n)-th smallest value (nearest-rank percentile): always one of the measured values. Null for none. */
    static Duration p90(List<Duration> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Duration> sorted = values.stream().sorted().toList();
        int rank = (9 * sorted.size() + 9) / 10; // ceil(0.9 n) in integers: no rounding surprise at n = 10, 20...
        return sorted.get(rank - 1);
    }
}
