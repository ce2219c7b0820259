package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.gitops.DeploymentHistory;
import io.jenkins.plugins.securedelivery.metrics.DoraFormat;
import io.jenkins.plugins.securedelivery.metrics.DoraMetrics;
import io.jenkins.plugins.securedelivery.metrics.Window;
import io.jenkins.plugins.securedelivery.plugin.actions.DoraMetricsAction;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def dora = doraMetrics(environment: 'prod', since: '30d')}: the four DORA figures of an environment, read
 * from its GitOps history alone; returns them as a map (unknown figures are null, never zero).
 */
public final class DoraMetricsStep extends GitOpsStep {

    private String since = "90d";
    private String format = "text";
    private String output;

    @DataBoundConstructor
    public DoraMetricsStep(String environment) {
        super(environment);
    }

    public String getSince() {
        return since;
    }

    /** The window: a length back from now (90d, 12w, 36h) or a date (2026-08-01). */
    @DataBoundSetter
    public void setSince(String since) {
        this.since = Util.fixEmptyAndTrim(since) == null ? "90d" : since.trim();
    }

    public String getFormat() {
        return format;
    }

    /** text, json or prometheus: how the figures are printed and written to output. */
    @DataBoundSetter
    public void setFormat(String format) {
        this.format = Util.fixEmptyAndTrim(format) == null ? "text" : format.trim();
    }

    public String getOutput() {
        return output;
    }

    /** A workspace file to write the figures to, e.g. dora.prom for a Prometheus textfile collector. */
    @DataBoundSetter
    public void setOutput(String output) {
        this.output = Util.fixEmptyAndTrim(output);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    record Request(GitAccess git, Instant from, Instant to, String format, String output) implements Serializable {
    }

    /** The figures in plain types; durations as ISO-8601 text. */
    record Figures(int deployments, int rollbacks, Double perWeek, String frequencyLevel, String leadTimeMedian,
                   String leadTimeP90, String leadTimeLevel, int failed, Double changeFailureRate, int restores,
                   String timeToRestoreMedian) implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient DoraMetricsStep step;

        Execution(StepContext context, DoraMetricsStep step) {
            super(context);
            this.step = step;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            Window window;
            try {
                DoraFormat.named(step.format);
                window = Window.since(step.since, Instant.now());
            } catch (IllegalArgumentException e) {
                throw new AbortException("doraMetrics: " + e.getMessage());
            }
            GitAccess git = step.git(run);
            Figures f = workspace.act(new Measure(new Request(git, window.from(), window.to(), step.format, step.output), listener));
            DoraMetricsAction.record(run, new DoraMetricsAction.Figures(git.environment(), window.from().toString(),
                    window.to().toString(), f.deployments(), f.perWeek(), f.leadTimeMedian(), f.changeFailureRate(), f.timeToRestoreMedian()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("environment", git.environment());
            result.put("from", window.from().toString());
            result.put("to", window.to().toString());
            result.put("deployments", f.deployments());
            result.put("rollbacks", f.rollbacks());
            result.put("deploymentsPerWeek", f.perWeek());
            result.put("deploymentFrequencyLevel", f.frequencyLevel());
            result.put("leadTimeMedian", f.leadTimeMedian());
            result.put("leadTimeP90", f.leadTimeP90());
            result.put("leadTimeLevel", f.leadTimeLevel());
            result.put("failedDeployments", f.failed());
            result.put("changeFailureRate", f.changeFailureRate());
            result.put("restores", f.restores());
            result.put("timeToRestoreMedian", f.timeToRestoreMedian());
            return result;
        }
    }

    static final class Measure extends AgentWork<Figures> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        Measure(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        Figures work(File workspace) throws IOException {
            try (SecretFiles files = new SecretFiles()) {
                Window window = new Window(request.from(), request.to());
                DeploymentHistory history = request.git().configure(new DeploymentHistory(), workspace, files).since(window.from());
                DoraMetrics m = DoraMetrics.of(request.git().environment(), history.call(), window);
                String rendered = DoraFormat.named(request.format()).render(m);
                listener.getLogger().print(rendered);
                if (request.output() != null) {
                    Path output = AgentStepExecution.withParentDirectories(workspace.toPath().resolve(request.output()));
                    AtomicFile.write(output, rendered.getBytes(StandardCharsets.UTF_8));
                }
                return new Figures(m.deploymentFrequency().deployments(), m.deploymentFrequency().rollbacks(),
                        m.deploymentFrequency().perWeek(), level(m.deploymentFrequency().level()),
                        text(m.leadTimeForChanges().median()), text(m.leadTimeForChanges().p90()), level(m.leadTimeForChanges().level()),
                        m.changeFailureRate().failed(), m.changeFailureRate().rate(), m.timeToRestore().restores(),
                        text(m.timeToRestore().median()));
            }
        }

        private static String text(Duration d) {
            return d == null ? null : d.toString();
        }

        private static String level(Object level) {
            return level == null ? null : level.toString();
        }
    }

    @Extension
    @Symbol("doraMetrics")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "doraMetrics";
        }

        @Override
        public String getDisplayName() {
            return "DORA metrics of an environment, from its GitOps history";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return AgentStepExecution.CONTEXT;
        }
    }
}
