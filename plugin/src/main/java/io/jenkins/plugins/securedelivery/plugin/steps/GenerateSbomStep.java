package io.jenkins.plugins.securedelivery.plugin.steps;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.plugin.actions.SbomAction;
import io.jenkins.plugins.securedelivery.sbom.SbomFile;
import io.jenkins.plugins.securedelivery.sbom.SbomFormat;
import io.jenkins.plugins.securedelivery.sbom.SbomGenerator;
import io.jenkins.plugins.securedelivery.sbom.SbomSummary;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cyclonedx.model.Bom;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code generateSbom(path: '.', output: 'bom.json')}: the CycloneDX 1.6 SBOM of a source tree, an OCI image layout
 * or an image archive in the workspace, written on the agent; returns its summary.
 */
public final class GenerateSbomStep extends Step {

    private final String path;
    private String output = "bom.json";
    private String format = "json";
    private boolean reproducible;
    private boolean allowIncomplete;
    private String name;
    private String appVersion;
    private String platform;
    private String mavenSettings;
    private String mavenLocalRepository;
    private boolean offline;

    @DataBoundConstructor
    public GenerateSbomStep(String path) {
        this.path = Util.fixEmptyAndTrim(path) == null ? "." : path.trim();
    }

    public String getPath() {
        return path;
    }

    public String getOutput() {
        return output;
    }

    @DataBoundSetter
    public void setOutput(String output) {
        this.output = Util.fixEmptyAndTrim(output) == null ? "bom.json" : output.trim();
    }

    public String getFormat() {
        return format;
    }

    @DataBoundSetter
    public void setFormat(String format) {
        this.format = Util.fixEmptyAndTrim(format) == null ? "json" : format.trim();
    }

    public boolean isReproducible() {
        return reproducible;
    }

    @DataBoundSetter
    public void setReproducible(boolean reproducible) {
        this.reproducible = reproducible;
    }

    public boolean isAllowIncomplete() {
        return allowIncomplete;
    }

    @DataBoundSetter
    public void setAllowIncomplete(boolean allowIncomplete) {
        this.allowIncomplete = allowIncomplete;
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = Util.fixEmptyAndTrim(name);
    }

    public String getAppVersion() {
        return appVersion;
    }

    @DataBoundSetter
    public void setAppVersion(String appVersion) {
        this.appVersion = Util.fixEmptyAndTrim(appVersion);
    }

    public String getPlatform() {
        return platform;
    }

    @DataBoundSetter
    public void setPlatform(String platform) {
        this.platform = Util.fixEmptyAndTrim(platform);
    }

    public String getMavenSettings() {
        return mavenSettings;
    }

    @DataBoundSetter
    public void setMavenSettings(String mavenSettings) {
        this.mavenSettings = Util.fixEmptyAndTrim(mavenSettings);
    }

    public String getMavenLocalRepository() {
        return mavenLocalRepository;
    }

    @DataBoundSetter
    public void setMavenLocalRepository(String mavenLocalRepository) {
        this.mavenLocalRepository = Util.fixEmptyAndTrim(mavenLocalRepository);
    }

    public boolean isOffline() {
        return offline;
    }

    @DataBoundSetter
    public void setOffline(boolean offline) {
        this.offline = offline;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, new Request(path, output, format, reproducible, allowIncomplete, name, appVersion,
                platform, mavenSettings, mavenLocalRepository, offline));
    }

    /** The step's parameters as the agent needs them. */
    record Request(String path, String output, String format, boolean reproducible, boolean allowIncomplete, String name,
                   String version, String platform, String mavenSettings, String mavenLocalRepository, boolean offline)
            implements Serializable {
    }

    /** What the agent found, in plain types for the controller. */
    record Outcome(String subject, int components, Map<String, Integer> ecosystems, List<String> licenses, int unlicensed,
                   boolean incomplete, List<String> gaps) implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "Only used when starting.")
        private final transient Request request;

        Execution(StepContext context, Request request) {
            super(context);
            this.request = request;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            Outcome outcome = workspace.act(new Generate(request, listener));
            SbomAction.record(run, new SbomAction.Sbom(request.output(), outcome.subject(), outcome.components(),
                    outcome.licenses().size(), outcome.unlicensed(), outcome.incomplete()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("output", request.output());
            result.put("subject", outcome.subject());
            result.put("components", outcome.components());
            result.put("ecosystems", new LinkedHashMap<>(outcome.ecosystems()));
            result.put("licenses", new ArrayList<>(outcome.licenses()));
            result.put("unlicensed", outcome.unlicensed());
            result.put("incomplete", outcome.incomplete());
            return result;
        }
    }

    static final class Generate extends AgentWork<Outcome> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        Generate(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        Outcome work(File workspace) throws IOException {
            Path base = workspace.toPath();
            SbomFormat encoding = SbomFormat.of(request.format());
            Bom bom = new SbomGenerator(base.resolve(request.path()))
                    .reproducible(request.reproducible())
                    .allowIncomplete(request.allowIncomplete())
                    .name(request.name())
                    .version(request.version())
                    .platform(request.platform())
                    .maven(new ScanContext.MavenSettings(
                            request.mavenSettings() == null ? null : base.resolve(request.mavenSettings()),
                            request.mavenLocalRepository() == null ? null : base.resolve(request.mavenLocalRepository()),
                            request.offline()))
                    .call();
            Path output = AgentStepExecution.withParentDirectories(base.resolve(request.output()));
            SbomFile.write(bom, encoding, output);
            SbomSummary summary = SbomSummary.of(bom);
            listener.getLogger().println(summary.line() + " -> " + request.output());
            if (summary.incomplete()) {
                listener.getLogger().println("warning: the SBOM is INCOMPLETE (allowIncomplete: true):");
                summary.gaps().forEach(g -> listener.getLogger().println("  " + g));
            }
            return new Outcome(summary.subject(), summary.components(), new TreeMap<>(summary.byEcosystem()),
                    List.copyOf(summary.licenses()), summary.unlicensed(), summary.incomplete(), List.copyOf(summary.gaps()));
        }
    }

    @Extension
    @Symbol("generateSbom")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "generateSbom";
        }

        @Override
        public String getDisplayName() {
            return "Generate a CycloneDX SBOM";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return AgentStepExecution.CONTEXT;
        }
    }
}
