package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.plugin.actions.SignatureAction;
import io.jenkins.plugins.securedelivery.signing.ImageSignatures;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PredicateTypes;
import io.jenkins.plugins.securedelivery.signing.VerificationKey;
import io.jenkins.plugins.securedelivery.signing.VerificationReport;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessPolicy;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessVerifier;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code verifyImage(image: "${registry}/app@${digest}", publicKeyCredentialsId: 'cosign-pub', requireAttestations: ['cyclonedx'])}:
 * checks every signature and attestation of the image against a key or a keyless policy, and fails the build unless a
 * signature verified, nothing found failed, and every required attestation verified.
 */
public final class VerifyImageStep extends Step {

    private final String image;
    private String publicKeyCredentialsId;
    private String certificateIdentity;
    private String certificateOidcIssuer;
    private String trustedRoot;
    private List<String> requireAttestations = new ArrayList<>();
    private String ociLayout;

    @DataBoundConstructor
    public VerifyImageStep(String image) {
        this.image = Util.fixEmptyAndTrim(image);
    }

    public String getImage() {
        return image;
    }

    public String getPublicKeyCredentialsId() {
        return publicKeyCredentialsId;
    }

    /** A secret file credential holding the public key (cosign.pub, SPKI PEM). */
    @DataBoundSetter
    public void setPublicKeyCredentialsId(String publicKeyCredentialsId) {
        this.publicKeyCredentialsId = Util.fixEmptyAndTrim(publicKeyCredentialsId);
    }

    public String getCertificateIdentity() {
        return certificateIdentity;
    }

    @DataBoundSetter
    public void setCertificateIdentity(String certificateIdentity) {
        this.certificateIdentity = Util.fixEmptyAndTrim(certificateIdentity);
    }

    public String getCertificateOidcIssuer() {
        return certificateOidcIssuer;
    }

    @DataBoundSetter
    public void setCertificateOidcIssuer(String certificateOidcIssuer) {
        this.certificateOidcIssuer = Util.fixEmptyAndTrim(certificateOidcIssuer);
    }

    public String getTrustedRoot() {
        return trustedRoot;
    }

    @DataBoundSetter
    public void setTrustedRoot(String trustedRoot) {
        this.trustedRoot = Util.fixEmptyAndTrim(trustedRoot);
    }

    public List<String> getRequireAttestations() {
        return List.copyOf(requireAttestations);
    }

    @DataBoundSetter
    public void setRequireAttestations(List<String> requireAttestations) {
        this.requireAttestations = requireAttestations == null ? new ArrayList<>() : new ArrayList<>(requireAttestations);
    }

    public String getOciLayout() {
        return ociLayout;
    }

    @DataBoundSetter
    public void setOciLayout(String ociLayout) {
        this.ociLayout = Util.fixEmptyAndTrim(ociLayout);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** A key policy (the public key's PEM bytes) or a keyless one (identity, issuer, trusted root on the agent). */
    record Request(String image, RegistryAccess registry, String keyName, byte[] publicKey, String identity, String issuer,
                   String trustedRoot, Set<String> required) implements Serializable {
    }

    record Outcome(boolean passed, String digest, String policy, List<String> verified, List<String> reasons) implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient VerifyImageStep step;

        Execution(StepContext context, VerifyImageStep step) {
            super(context);
            this.step = step;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            if (step.image == null) {
                throw new AbortException("verifyImage: no image was given: add image: 'registry.example.com/team/app@sha256:<hex>'");
            }
            boolean byKey = step.publicKeyCredentialsId != null;
            boolean keyless = step.certificateIdentity != null || step.certificateOidcIssuer != null || step.trustedRoot != null;
            if (byKey == keyless || (keyless && (step.certificateIdentity == null || step.certificateOidcIssuer == null || step.trustedRoot == null))) {
                throw new AbortException("verifyImage needs one policy: publicKeyCredentialsId: '<secret file with cosign.pub>', "
                        + "or certificateIdentity:, certificateOidcIssuer: and trustedRoot: together");
            }
            Set<String> required = new TreeSet<>();
            for (String type : step.requireAttestations) {
                try {
                    required.add(PredicateTypes.resolve(type));
                } catch (RuntimeException e) {
                    throw new AbortException("requireAttestations: '" + type + "': " + e.getMessage());
                }
            }
            byte[] key = null;
            String keyName = null;
            if (byKey) {
                FileCredentials file = StepCredentials.find(run, step.publicKeyCredentialsId, FileCredentials.class, "public key");
                key = StepCredentials.content(file);
                keyName = "credentials '" + step.publicKeyCredentialsId + "' (" + file.getFileName() + ")";
            }
            Request request = new Request(step.image, RegistryAccess.forImage(run, step.image, step.ociLayout), keyName, key,
                    step.certificateIdentity, step.certificateOidcIssuer, step.trustedRoot, required);
            Outcome outcome = workspace.act(new Verify(request, listener));
            SignatureAction.record(run, new SignatureAction.Signature(
                    outcome.passed() ? SignatureAction.Kind.VERIFIED : SignatureAction.Kind.VERIFICATION_FAILED,
                    RegistryAccess.reference(step.image).withDigest(outcome.digest()).toString(), outcome.digest(),
                    outcome.policy(), required.isEmpty() ? null : String.join(",", required)));
            if (!outcome.passed()) {
                throw new AbortException("verification of " + step.image + " FAILED: " + String.join("; ", outcome.reasons()));
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("digest", outcome.digest());
            result.put("verified", new ArrayList<>(outcome.verified()));
            return result;
        }
    }

    static final class Verify extends AgentWork<Outcome> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        Verify(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        Outcome work(File workspace) throws IOException {
            ImageReference reference = RegistryAccess.reference(request.image());
            ImageSignatures signatures = new ImageSignatures(request.registry().open(workspace));
            VerificationReport report;
            String policy;
            if (request.publicKey() != null) {
                VerificationKey key = KeyFiles.readVerificationKey(request.keyName(), request.publicKey());
                report = signatures.verify(reference, key, request.required());
                policy = key.hint();
            } else {
                report = signatures.verifyKeyless(reference,
                        KeylessVerifier.fromTrustedRoot(workspace.toPath().resolve(request.trustedRoot())),
                        KeylessPolicy.of(request.identity(), request.issuer()), request.required());
                policy = request.identity() + " from " + request.issuer();
            }
            listener.getLogger().print(report.summary());
            List<String> verified = new ArrayList<>();
            report.items().forEach(item -> verified.add(item.toString()));
            return new Outcome(report.passed(), report.imageDigest(), policy, verified, new ArrayList<>(report.reasons()));
        }
    }

    @Extension
    @Symbol("verifyImage")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "verifyImage";
        }

        @Override
        public String getDisplayName() {
            return "Verify a container image's signatures and attestations";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return AgentStepExecution.CONTEXT;
        }
    }
}
