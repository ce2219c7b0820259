package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.gates.GatePolicy;
import io.jenkins.plugins.securedelivery.gates.GateVerdict;
import io.jenkins.plugins.securedelivery.gates.QualityGate;
import io.jenkins.plugins.securedelivery.gates.Reports;
import io.jenkins.plugins.securedelivery.gates.RuleVerdict;
import io.jenkins.plugins.securedelivery.plugin.actions.QualityGateAction;
import io.jenkins.plugins.securedelivery.plugin.config.Environment;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code qualityGate(reports: ['target', 'scans'], environment: 'prod')}: judges the build's test, coverage and scan
 * reports against a policy on the agent, like {@code secure-delivery gate}; writes the verdict as JSON and JUnit XML,
 * records it on the run, and fails the build (or marks it unstable) when a rule fails. Returns the verdict as a map.
 */
public final class QualityGateStep extends Step {

    static final String DEFAULT_JSON = "gate-verdict.json";
    static final String DEFAULT_JUNIT = "gate-verdict.junit.xml";
    static final int DEFAULT_MAX_REPORT_SIZE = 64;

    private List<String> reports = new ArrayList<>();
    private String policy;
    private String environment;
    private String json = DEFAULT_JSON;
    private String junit = DEFAULT_JUNIT;
    private String today;
    private int maxReportSize = DEFAULT_MAX_REPORT_SIZE;
    private boolean unstableOnFailure;

    @DataBoundConstructor
    public QualityGateStep() {
    }

    public List<String> getReports() {
        return List.copyOf(reports);
    }

    /** Directories of the workspace holding the reports, searched recursively. */
    @DataBoundSetter
    public void setReports(List<String> reports) {
        this.reports = new ArrayList<>();
        if (reports != null) {
            // The snippet generator's text field gives one string: 'target, scans' names two directories.
            reports.stream().filter(r -> r != null).flatMap(r -> Arrays.stream(r.split(",")))
                    .map(Util::fixEmptyAndTrim).filter(r -> r != null).forEach(this.reports::add);
        }
    }

    public String getPolicy() {
        return policy;
    }

    @DataBoundSetter
    public void setPolicy(String policy) {
        this.policy = Util.fixEmptyAndTrim(policy);
    }

    public String getEnvironment() {
        return environment;
    }

    @DataBoundSetter
    public void setEnvironment(String environment) {
        this.environment = Util.fixEmptyAndTrim(environment);
    }

    public String getJson() {
        return json;
    }

    @DataBoundSetter
    public void setJson(String json) {
        this.json = Util.fixEmptyAndTrim(json) == null ? DEFAULT_JSON : json.trim();
    }

    public String getJunit() {
        return junit;
    }

    @DataBoundSetter
    public void setJunit(String junit) {
        this.junit = Util.fixEmptyAndTrim(junit) == null ? DEFAULT_JUNIT : junit.trim();
    }

    public String getToday() {
        return today;
    }

    @DataBoundSetter
    public void setToday(String today) {
        this.today = Util.fixEmptyAndTrim(today);
    }

    public int getMaxReportSize() {
        return maxReportSize;
    }

    @DataBoundSetter
    public void setMaxReportSize(int maxReportSize) {
        this.maxReportSize = maxReportSize;
    }

    public boolean isUnstableOnFailure() {
        return unstableOnFailure;
    }

    @DataBoundSetter
    public void setUnstableOnFailure(boolean unstableOnFailure) {
        this.unstableOnFailure = unstableOnFailure;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /**
     * What the agent judges: the policy as text from the global configuration ({@code policyYaml}), else a policy file
     * of the workspace ({@code policyFile}), else the defaults.
     */
    record Request(List<String> reports, String policyYaml, String policySource, String policyFile, String environment,
                   boolean environmentConfigured, String json, String junit, LocalDate today, long maxReportBytes)
            implements Serializable {
    }

    /** One rule of the verdict, in plain types. */
    record Rule(String rule, String status, String value, String threshold, String explanation, int findings)
            implements Serializable {
    }

    record Outcome(boolean passed, String policy, List<Rule> rules) implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient QualityGateStep step;

        Execution(StepContext context, QualityGateStep step) {
            super(context);
            this.step = step;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            Request request = request();
            Outcome outcome = workspace.act(new Judge(request, listener));
            List<QualityGateAction.Rule> rows = outcome.rules().stream()
                    .map(r -> new QualityGateAction.Rule(r.rule(), r.status(), r.value(), r.threshold(), r.explanation(), r.findings()))
                    .toList();
            QualityGateAction.record(run, new QualityGateAction.Gate(request.environment(), outcome.policy(), outcome.passed(),
                    request.json(), request.junit(), rows));
            List<String> failed = outcome.rules().stream().filter(r -> r.status().equals(RuleVerdict.Status.FAIL.name()))
                    .map(Rule::rule).toList();
            String what = "quality gate FAILED" + (request.environment() == null ? "" : " for " + request.environment())
                    + ": " + String.join(", ", failed) + " (the verdict is in " + request.json() + ")";
            if (!outcome.passed() && !step.unstableOnFailure) {
                throw new AbortException(what);
            }
            if (!outcome.passed()) {
                getContext().get(FlowNode.class).addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(what));
                run.setResult(Result.UNSTABLE);
                listener.getLogger().println("WARNING: " + what + "; the build is UNSTABLE (unstableOnFailure: true)");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("passed", outcome.passed());
            result.put("environment", request.environment());
            result.put("policy", outcome.policy());
            result.put("failed", new ArrayList<>(failed));
            List<Map<String, Object>> rules = new ArrayList<>();
            for (Rule r : outcome.rules()) {
                Map<String, Object> rule = new LinkedHashMap<>();
                rule.put("rule", r.rule());
                rule.put("status", r.status());
                rule.put("value", r.value());
                rule.put("threshold", r.threshold());
                rule.put("findings", r.findings());
                rules.add(rule);
            }
            result.put("rules", rules);
            result.put("json", request.json());
            result.put("junit", request.junit());
            return result;
        }

        private Request request() throws AbortException {
            if (step.reports.isEmpty()) {
                throw new AbortException("qualityGate: no reports directory was given: add reports: ['target', 'scans'] "
                        + "(directories of the workspace holding test, coverage and scan reports)");
            }
            if (step.maxReportSize <= 0) {
                throw new AbortException("qualityGate: maxReportSize " + step.maxReportSize + " is not a size: give a number of megabytes above 0");
            }
            LocalDate day;
            try {
                day = step.today == null ? LocalDate.now() : LocalDate.parse(step.today);
            } catch (DateTimeParseException e) {
                throw new AbortException("qualityGate: today '" + step.today + "' is not a date: write it as YYYY-MM-DD");
            }
            Environment configured = step.environment == null ? null
                    : SecureDeliveryConfiguration.get().environment(step.environment).orElse(null);
            // A misspelt environment would otherwise be judged by the defaults, silently skipping the administrators' gatePolicy.
            if (step.environment != null && configured == null && step.policy == null) {
                throw new AbortException("qualityGate: environment '" + step.environment + "' is not in the global configuration "
                        + "(secureDelivery.environments): check its name, add it there, or give a policy: file with overrides for it");
            }
            String yaml = configured == null ? null : configured.getGatePolicy();
            if (yaml != null && step.policy != null) {
                throw new AbortException("qualityGate: environment '" + step.environment + "' has its gate policy in the global "
                        + "configuration, which a Jenkinsfile cannot replace: remove policy: '" + step.policy + "'");
            }
            return new Request(List.copyOf(step.reports), yaml,
                    yaml == null ? null : "gate policy of environment " + step.environment + " (global configuration)",
                    step.policy, step.environment, configured != null, step.json, step.junit, day, step.maxReportSize * 1024L * 1024L);
        }
    }

    static final class Judge extends AgentWork<Outcome> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        Judge(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        Outcome work(File workspace) throws IOException {
            Path base = workspace.toPath();
            GatePolicy policy;
            if (request.policyYaml() != null) {
                policy = GatePolicy.parse(request.policyYaml(), request.policySource());
            } else if (request.policyFile() != null) {
                Path file = base.resolve(request.policyFile());
                if (!Files.isRegularFile(file)) {
                    throw new AbortException("qualityGate: policy '" + request.policyFile() + "' is not a file in the workspace "
                            + workspace + ": check the path, or leave policy: out to apply the documented defaults");
                }
                // Parsed from its text so that the verdict names the policy by its path in the workspace.
                policy = GatePolicy.parse(Files.readString(file, StandardCharsets.UTF_8), request.policyFile());
                if (request.environment() != null && !request.environmentConfigured()
                        && !policy.environments().contains(request.environment())) {
                    throw new AbortException("qualityGate: environment '" + request.environment() + "' is neither in the global "
                            + "configuration nor among the environments of " + request.policyFile() + " " + policy.environments()
                            + ": check its name, or add its overrides to the policy");
                }
            } else {
                policy = GatePolicy.defaults();
            }
            List<Path> directories = new ArrayList<>();
            for (String report : request.reports()) {
                Path directory = base.resolve(report);
                if (!Files.exists(directory)) {
                    throw new AbortException("qualityGate: reports: '" + report + "' does not exist in the workspace " + workspace
                            + ": check the path, or write the reports there before the gate");
                }
                directories.add(directory);
            }
            GateVerdict verdict = QualityGate.evaluate(policy, request.environment(),
                    Reports.scan(directories, request.maxReportBytes()), request.today());
            write(base.resolve(request.json()), verdict.toJson());
            write(base.resolve(request.junit()), verdict.toJUnitXml());
            listener.getLogger().print(verdict.toText());
            listener.getLogger().println("Verdict written to " + request.json() + " and " + request.junit());
            List<Rule> rules = verdict.rules().stream()
                    .map(r -> new Rule(r.rule(), r.status().name(), r.value(), r.threshold(), r.explanation(), r.findings().size()))
                    .toList();
            return new Outcome(verdict.passed(), verdict.policy(), rules);
        }

        private static void write(Path file, String content) throws IOException {
            AtomicFile.write(AgentStepExecution.withParentDirectories(file), content.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Extension
    @Symbol("qualityGate")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "qualityGate";
        }

        @Override
        public String getDisplayName() {
            return "Judge test, coverage and scan reports against a quality gate policy";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, TaskListener.class, FlowNode.class);
        }
    }
}
