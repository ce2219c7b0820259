package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.evidence.EvidenceBundle;
import io.jenkins.plugins.securedelivery.evidence.EvidenceFile;
import io.jenkins.plugins.securedelivery.evidence.EvidenceReport;
import io.jenkins.plugins.securedelivery.evidence.EvidenceStore;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.plugin.actions.EvidenceAction;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.VerificationKey;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import jenkins.model.Jenkins;
import jenkins.util.BuildListenerAdapter;
import org.apache.tools.ant.DirectoryScanner;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def evidence = evidenceBundle(image: "${registry}/app@${digest}", files: ['bom.json'], gates: ['gate-verdict.json'],
 * credentialsId: 'cosign-key')}: writes the release's signed, reproducible evidence bundle on the agent, verifies it,
 * optionally pushes it to the registry as an artifact referring to the image, and archives it with the run.
 */
public final class EvidenceBundleStep extends ImageSigningStep {

    static final String DEFAULT_OUTPUT = "evidence.zip";

    private String output = DEFAULT_OUTPUT;
    private List<String> files = new ArrayList<>();
    private List<String> gates = new ArrayList<>();
    private List<String> approvals = new ArrayList<>();
    private String sourceRepository;
    private String sourceCommit;
    private String runUrl;
    private String created;
    private String publicKeyCredentialsId;
    private boolean push;
    private boolean archive = true;

    @DataBoundConstructor
    public EvidenceBundleStep(String image) {
        super(image);
    }

    public String getOutput() {
        return output;
    }

    @DataBoundSetter
    public void setOutput(String output) {
        this.output = Util.fixEmptyAndTrim(output) == null ? DEFAULT_OUTPUT : output.trim();
    }

    public List<String> getFiles() {
        return List.copyOf(files);
    }

    @DataBoundSetter
    public void setFiles(List<String> files) {
        this.files = patterns(files);
    }

    public List<String> getGates() {
        return List.copyOf(gates);
    }

    @DataBoundSetter
    public void setGates(List<String> gates) {
        this.gates = patterns(gates);
    }

    public List<String> getApprovals() {
        return List.copyOf(approvals);
    }

    @DataBoundSetter
    public void setApprovals(List<String> approvals) {
        this.approvals = patterns(approvals);
    }

    public String getSourceRepository() {
        return sourceRepository;
    }

    @DataBoundSetter
    public void setSourceRepository(String sourceRepository) {
        this.sourceRepository = Util.fixEmptyAndTrim(sourceRepository);
    }

    public String getSourceCommit() {
        return sourceCommit;
    }

    @DataBoundSetter
    public void setSourceCommit(String sourceCommit) {
        this.sourceCommit = Util.fixEmptyAndTrim(sourceCommit);
    }

    public String getRunUrl() {
        return runUrl;
    }

    @DataBoundSetter
    public void setRunUrl(String runUrl) {
        this.runUrl = Util.fixEmptyAndTrim(runUrl);
    }

    public String getCreated() {
        return created;
    }

    @DataBoundSetter
    public void setCreated(String created) {
        this.created = Util.fixEmptyAndTrim(created);
    }

    public String getPublicKeyCredentialsId() {
        return publicKeyCredentialsId;
    }

    @DataBoundSetter
    public void setPublicKeyCredentialsId(String publicKeyCredentialsId) {
        this.publicKeyCredentialsId = Util.fixEmptyAndTrim(publicKeyCredentialsId);
    }

    public boolean isPush() {
        return push;
    }

    @DataBoundSetter
    public void setPush(boolean push) {
        this.push = push;
    }

    public boolean isArchive() {
        return archive;
    }

    @DataBoundSetter
    public void setArchive(boolean archive) {
        this.archive = archive;
    }

    private static List<String> patterns(List<String> given) {
        List<String> kept = new ArrayList<>();
        if (given != null) {
            given.stream().map(Util::fixEmptyAndTrim).filter(p -> p != null).forEach(kept::add);
        }
        return kept;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** What the agent bundles, who signs it, which key verifies it, and where it goes. */
    record Request(String image, String output, List<String> files, List<String> gates, List<String> approvals,
                   String sourceRepository, String sourceCommit, String runUrl, Instant created, SignerAccess signer,
                   String publicKeyName, byte[] publicKey, RegistryAccess registry) implements Serializable {
    }

    record Outcome(String image, String sha256, int files, String verifiedWith, String pushedTo) implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient EvidenceBundleStep step;

        Execution(StepContext context, EvidenceBundleStep step) {
            super(context);
            this.step = step;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            if (step.getImage() == null) {
                throw new AbortException("evidenceBundle: no image was given: add image: 'registry.example.com/team/app@sha256:<hex>' "
                        + "(the digest signImage returned)");
            }
            if (step.files.isEmpty() && step.gates.isEmpty() && step.approvals.isEmpty()) {
                throw new AbortException("evidenceBundle: nothing to bundle: add files: ['bom.json', ...], gates: ['gate-verdict.json'] "
                        + "or approvals: [...]; an empty bundle is evidence of nothing");
            }
            SignerAccess signer = SignerAccess.resolve(run, step.getCredentialsId(), step.getPasswordCredentialsId(), step.getProfile());
            if (signer.keyless()) {
                throw new AbortException("evidenceBundle: signing profile '" + step.getProfile() + "' is keyless, and evidence "
                        + "bundles are signed with a key: give credentialsId: (a secret file with cosign.key) or a key profile");
            }
            byte[] publicKey = null;
            String publicKeyName = null;
            if (step.publicKeyCredentialsId != null) {
                FileCredentials file = StepCredentials.find(run, step.publicKeyCredentialsId, FileCredentials.class, "public key");
                publicKey = StepCredentials.content(file);
                publicKeyName = "credentials '" + step.publicKeyCredentialsId + "' (" + file.getFileName() + ")";
            }
            Request request = new Request(step.getImage(), step.output, step.files, step.gates, step.approvals,
                    step.sourceRepository, step.sourceCommit, step.runUrl != null ? step.runUrl : runUrl(run), created(),
                    signer, publicKeyName, publicKey, step.push ? RegistryAccess.forImage(run, step.getImage(), step.getOciLayout()) : null);
            Outcome outcome = workspace.act(new Create(request, listener));
            String artifact = null;
            if (step.archive) {
                run.pickArtifactManager().archive(workspace, getContext().get(Launcher.class), new BuildListenerAdapter(listener),
                        Map.of(step.output, step.output));
                artifact = step.output;
            }
            EvidenceAction.record(run, new EvidenceAction.Evidence(outcome.image(), step.output, outcome.sha256(), outcome.files(),
                    artifact, outcome.verifiedWith(), outcome.pushedTo()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("bundle", step.output);
            result.put("sha256", outcome.sha256());
            result.put("image", outcome.image());
            result.put("files", outcome.files());
            result.put("verifiedWith", outcome.verifiedWith());
            result.put("pushedTo", outcome.pushedTo());
            result.put("archived", artifact != null);
            return result;
        }

        private Instant created() throws IOException, InterruptedException {
            if (step.created != null) {
                try {
                    return Instant.parse(step.created);
                } catch (DateTimeParseException e) {
                    throw new AbortException("evidenceBundle: created '" + step.created + "' is not an ISO-8601 instant: "
                            + "give it as 2026-11-24T10:00:00Z, or leave it out");
                }
            }
            EnvVars environment = getContext().get(EnvVars.class);
            String epoch = environment == null ? null : Util.fixEmptyAndTrim(environment.get("SOURCE_DATE_EPOCH"));
            if (epoch == null) {
                return Instant.now();
            }
            try {
                return Instant.ofEpochSecond(Long.parseLong(epoch));
            } catch (NumberFormatException e) {
                throw new AbortException("evidenceBundle: SOURCE_DATE_EPOCH '" + epoch + "' is not a number of seconds: "
                        + "set it to the commit time, e.g. $(git log -1 --format=%ct), or give created:");
            }
        }

        private static String runUrl(Run<?, ?> run) {
            String root = Jenkins.get().getRootUrl();
            return root == null ? null : root + run.getUrl();
        }
    }

    static final class Create extends AgentWork<Outcome> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        Create(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        Outcome work(File workspace) throws IOException {
            Path base = workspace.toPath();
            ImageReference image = RegistryAccess.reference(request.image());
            Path out = AgentStepExecution.withParentDirectories(base.resolve(request.output()));
            EvidenceBundle.Request bundle = new EvidenceBundle.Request(image, request.sourceRepository(), request.sourceCommit(),
                    request.runUrl(), request.created(), matching(workspace, "files", request.files(), request.output()),
                    matching(workspace, "gates", request.gates(), request.output()),
                    matching(workspace, "approvals", request.approvals(), request.output()));
            SigningKey key = request.signer().signingKey();
            EvidenceBundle.Created created = EvidenceBundle.create(bundle, key, out);
            VerificationKey verifier = request.publicKey() == null ? key.verificationKey()
                    : KeyFiles.readVerificationKey(request.publicKeyName(), request.publicKey());
            EvidenceReport report = EvidenceBundle.verify(out, verifier, image);
            if (!report.passed()) {
                // An unverifiable bundle is not left behind to be archived or shipped by a later step.
                Files.deleteIfExists(out);
                throw new AbortException("evidenceBundle: the bundle written for " + image + " does not verify with "
                        + (request.publicKey() == null ? "its own key" : request.publicKeyName()) + ", so it was deleted:\n" + report.summary());
            }
            int count = created.manifest().files().size();
            listener.getLogger().println("wrote " + count + (count == 1 ? " file" : " files") + " of evidence for "
                    + created.manifest().imageName() + "@" + created.manifest().imageDigest() + " to " + request.output()
                    + " (" + created.sha256() + "), verified with key " + verifier.hint());
            String pushedTo = null;
            if (request.registry() != null) {
                EvidenceStore.Pushed pushed = new EvidenceStore(request.registry().open(workspace))
                        .push(image, Files.readAllBytes(out), String.valueOf(out.getFileName()));
                pushedTo = pushed.location();
                listener.getLogger().println("pushed the evidence bundle to " + pushedTo + " (refers to " + pushed.image() + ")");
            }
            return new Outcome(created.manifest().imageName() + "@" + created.manifest().imageDigest(), created.sha256(),
                    created.manifest().files().size(), verifier.hint(), pushedTo);
        }

        /**
         * Each Ant pattern of the workspace ({@code reports/**}{@code /*.xml}, or a plain path) must match a file; the
         * bundle itself, left by an earlier run, is never one of them.
         */
        private static List<EvidenceFile> matching(File workspace, String parameter, List<String> patterns, String output) throws AbortException {
            Set<String> names = new TreeSet<>();
            for (String pattern : patterns) {
                DirectoryScanner scanner = new DirectoryScanner();
                scanner.setBasedir(workspace);
                scanner.setIncludes(new String[] {pattern});
                scanner.setExcludes(new String[] {output});
                scanner.setCaseSensitive(true);
                scanner.scan();
                String[] found = scanner.getIncludedFiles();
                if (found.length == 0) {
                    throw new AbortException("evidenceBundle: " + parameter + ": '" + pattern + "' matches no file in the workspace "
                            + workspace + ": check the path, or write the file before this step");
                }
                names.addAll(List.of(found));
            }
            Path base = workspace.toPath();
            return names.stream().map(name -> EvidenceFile.of(base, base.resolve(name))).toList();
        }
    }

    @Extension
    @Symbol("evidenceBundle")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "evidenceBundle";
        }

        @Override
        public String getDisplayName() {
            return "Write, verify and keep a signed evidence bundle of a release";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, TaskListener.class, Launcher.class);
        }
    }
}
