package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Run;
import io.jenkins.plugins.securedelivery.metrics.DoraFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** DORA figures a run read from an environment's GitOps history. Unknown figures stay null, never zero. */
@ExportedBean
public final class DoraMetricsAction extends RunRecord<DoraMetricsAction.Figures> {

    public static void record(Run<?, ?> run, Figures figures) {
        append(run, DoraMetricsAction.class, DoraMetricsAction::new, figures);
    }

    @Exported(visibility = 2)
    public List<Figures> getMetrics() {
        return entries();
    }

    @Override
    public String getDisplayName() {
        return "DORA metrics";
    }

    @ExportedBean
    public static final class Figures {
        private final String environment;
        private final String from;
        private final String to;
        private final int deployments;
        private final Double deploymentsPerWeek;
        private final String leadTimeMedian;
        private final Double changeFailureRate;
        private final String timeToRestoreMedian;

        public Figures(String environment, String from, String to, int deployments, Double deploymentsPerWeek,
                       String leadTimeMedian, Double changeFailureRate, String timeToRestoreMedian) {
            this.environment = environment;
            this.from = from;
            this.to = to;
            this.deployments = deployments;
            this.deploymentsPerWeek = deploymentsPerWeek;
            this.leadTimeMedian = leadTimeMedian;
            this.changeFailureRate = changeFailureRate;
            this.timeToRestoreMedian = timeToRestoreMedian;
        }

        @Exported(visibility = 3)
        public String getEnvironment() {
            return environment;
        }

        /** Start of the window, RFC 3339. */
        @Exported(visibility = 3)
        public String getFrom() {
            return from;
        }

        @Exported(visibility = 3)
        public String getTo() {
            return to;
        }

        @Exported(visibility = 3)
        public int getDeployments() {
            return deployments;
        }

        @Exported(visibility = 3)
        public Double getDeploymentsPerWeek() {
            return deploymentsPerWeek;
        }

        /** ISO-8601 duration, e.g. PT3H20M. */
        @Exported(visibility = 3)
        public String getLeadTimeMedian() {
            return leadTimeMedian;
        }

        /** Between 0 and 1. */
        @Exported(visibility = 3)
        public Double getChangeFailureRate() {
            return changeFailureRate;
        }

        @Exported(visibility = 3)
        public String getTimeToRestoreMedian() {
            return timeToRestoreMedian;
        }

        /** The run page's sentence: figures rounded and durations in hours and minutes, as the step's text output prints them. */
        public String getSummary() {
            return "DORA metrics of " + environment + " from " + day(from) + " to " + day(to) + ": " + deployments + " deployments ("
                    + (deploymentsPerWeek == null ? "unknown" : String.format(Locale.ROOT, "%.2f", deploymentsPerWeek)) + " a week), "
                    + "lead time " + duration(leadTimeMedian) + ", change failure rate "
                    + (changeFailureRate == null ? "unknown" : String.format(Locale.ROOT, "%.1f%%", changeFailureRate * 100))
                    + ", time to restore " + duration(timeToRestoreMedian);
        }

        private static String day(String instant) {
            return instant == null ? "?" : Instant.parse(instant).truncatedTo(ChronoUnit.MINUTES).toString();
        }

        private static String duration(String iso) {
            return iso == null ? "unknown" : DoraFormat.human(Duration.parse(iso));
        }
    }
}
