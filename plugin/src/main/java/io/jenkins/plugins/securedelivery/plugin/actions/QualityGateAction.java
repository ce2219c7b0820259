package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Run;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The quality gates a run judged: one row per rule with its status, value and threshold, like the test results of
 * the gate's JUnit XML, on the run page and at {@code api/json}.
 */
@ExportedBean
public final class QualityGateAction extends RunRecord<QualityGateAction.Gate> {

    public static void record(Run<?, ?> run, Gate gate) {
        append(run, QualityGateAction.class, QualityGateAction::new, gate);
    }

    @Exported(visibility = 2)
    public List<Gate> getGates() {
        return entries();
    }

    @Override
    public String getDisplayName() {
        return "Quality gates";
    }

    @ExportedBean
    public static final class Gate {
        private final String environment;
        private final String policy;
        private final boolean passed;
        private final String json;
        private final String junit;
        private final List<Rule> rules;

        public Gate(String environment, String policy, boolean passed, String json, String junit, List<Rule> rules) {
            this.environment = environment;
            this.policy = policy;
            this.passed = passed;
            this.json = json;
            this.junit = junit;
            this.rules = List.copyOf(rules);
        }

        /** The environment whose overrides applied, or null. */
        @Exported(visibility = 3)
        public String getEnvironment() {
            return environment;
        }

        /** Where the policy came from: a file of the workspace, the environment's configuration, or the defaults. */
        @Exported(visibility = 3)
        public String getPolicy() {
            return policy;
        }

        @Exported(visibility = 3)
        public boolean isPassed() {
            return passed;
        }

        /** The verdict as JSON, relative to the workspace. */
        @Exported(visibility = 3)
        public String getJson() {
            return json;
        }

        /** The verdict as JUnit XML (one test case per rule), relative to the workspace. */
        @Exported(visibility = 3)
        public String getJunit() {
            return junit;
        }

        @Exported(visibility = 3)
        public List<Rule> getRules() {
            return rules;
        }
    }

    /** Nested one level deeper than a gate, so its fields need a higher visibility to show in the default api/json. */
    @ExportedBean
    public static final class Rule {
        private final String rule;
        private final String status;
        private final String value;
        private final String threshold;
        private final String explanation;
        private final int findings;

        public Rule(String rule, String status, String value, String threshold, String explanation, int findings) {
            this.rule = rule;
            this.status = status;
            this.value = value;
            this.threshold = threshold;
            this.explanation = explanation;
            this.findings = findings;
        }

        /** tests, coverage, vulnerabilities, licenses, secrets or sast. */
        @Exported(visibility = 4)
        public String getRule() {
            return rule;
        }

        /** PASS, FAIL, WARN or NOT_CHECKED. */
        @Exported(visibility = 4)
        public String getStatus() {
            return status;
        }

        @Exported(visibility = 4)
        public String getValue() {
            return value;
        }

        @Exported(visibility = 4)
        public String getThreshold() {
            return threshold;
        }

        @Exported(visibility = 4)
        public String getExplanation() {
            return explanation;
        }

        /** Findings that counted against the rule (the JSON verdict lists them with file and line). */
        @Exported(visibility = 4)
        public int getFindings() {
            return findings;
        }
    }
}
