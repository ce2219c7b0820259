package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Run;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The canaries a run watched to their end: how each ended, why, and the verdicts that led there. */
@ExportedBean
public final class CanaryAction extends RunRecord<CanaryAction.Canary> {

    public static void record(Run<?, ?> run, Canary canary) {
        append(run, CanaryAction.class, CanaryAction::new, canary);
    }

    @Exported(visibility = 2)
    public List<Canary> getCanaries() {
        return entries();
    }

    @Override
    public String getDisplayName() {
        return "Canaries";
    }

    /** One watched rollout, as {@code CanaryResult} describes its end. */
    @ExportedBean
    public static final class Canary {
        private final String rollout;
        private final String environment;
        private final String status;
        private final boolean passed;
        private final String reason;
        private final String revision;
        private final String rollbackCommit;
        private final String finishedAt;
        private final List<Verdict> verdicts;

        public Canary(String rollout, String environment, String status, boolean passed, String reason, String revision,
                      String rollbackCommit, String finishedAt, List<Verdict> verdicts) {
            this.rollout = rollout;
            this.environment = environment;
            this.status = status;
            this.passed = passed;
            this.reason = reason;
            this.revision = revision;
            this.rollbackCommit = rollbackCommit;
            this.finishedAt = finishedAt;
            this.verdicts = List.copyOf(verdicts);
        }

        /** As kubectl names it: rollout/NAMESPACE/NAME or canary/NAMESPACE/NAME. */
        @Exported(visibility = 3)
        public String getRollout() {
            return rollout;
        }

        @Exported(visibility = 3)
        public String getEnvironment() {
            return environment;
        }

        /** PROMOTED, ROLLED_BACK, ABORTED, PAUSED, INCONCLUSIVE, SUPERSEDED, NOT_JUDGED, CANNOT_WATCH or TIMED_OUT. */
        @Exported(visibility = 3)
        public String getStatus() {
            return status;
        }

        /** True only for PROMOTED. */
        @Exported(visibility = 3)
        public boolean isPassed() {
            return passed;
        }

        @Exported(visibility = 3)
        public String getReason() {
            return reason;
        }

        @Exported(visibility = 3)
        public String getRevision() {
            return revision;
        }

        /** The GitOps commit that rolled the environment back, when the canary failed and was rolled back. */
        @Exported(visibility = 3)
        public String getRollbackCommit() {
            return rollbackCommit;
        }

        @Exported(visibility = 3)
        public String getFinishedAt() {
            return finishedAt;
        }

        /** The latest verdicts, oldest first (their fields are exported one level deeper than the run's actions). */
        @Exported(visibility = 4)
        public List<Verdict> getVerdicts() {
            return verdicts;
        }
    }

    /** One analysis of the canary against its baseline over a window. */
    @ExportedBean
    public static final class Verdict {
        private final String outcome;
        private final double score;
        private final String from;
        private final String to;
        private final String reason;

        public Verdict(String outcome, double score, String from, String to, String reason) {
            this.outcome = outcome;
            this.score = score;
            this.from = from;
            this.to = to;
            this.reason = reason;
        }

        /** PASS, FAIL or INCONCLUSIVE. */
        @Exported(visibility = 5)
        public String getOutcome() {
            return outcome;
        }

        @Exported(visibility = 5)
        public double getScore() {
            return score;
        }

        @Exported(visibility = 5)
        public String getFrom() {
            return from;
        }

        @Exported(visibility = 5)
        public String getTo() {
            return to;
        }

        @Exported(visibility = 5)
        public String getReason() {
            return reason;
        }
    }
}
