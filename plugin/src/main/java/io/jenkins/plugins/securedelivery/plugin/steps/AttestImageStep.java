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
import io.jenkins.plugins.securedelivery.signing.PredicateTypes;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessSigner;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code attestImage(image: ..., type: 'cyclonedx', predicate: 'bom.json', credentialsId: 'cosign-key')}: attaches a
 * signed in-toto attestation to the image as an OCI referrer; returns the digest that was attested.
 */
public final class AttestImageStep extends ImageSigningStep {

    private final String type;
    private final String predicate;

    @DataBoundConstructor
    public AttestImageStep(String image, String type, String predicate) {
        super(image);
        this.type = Util.fixEmptyAndTrim(type);
        this.predicate = Util.fixEmptyAndTrim(predicate);
    }

    /** cyclonedx, slsaprovenance, or a predicate type URI. */
    public String getType() {
        return type;
    }

    /** The predicate file in the workspace: a JSON object such as the SBOM. */
    public String getPredicate() {
        return predicate;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    record Request(String image, String predicateType, String predicate, RegistryAccess registry, SignerAccess signer)
            implements Serializable {
    }

    record Outcome(String image, String digest, String keyId) implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient AttestImageStep step;

        Execution(StepContext context, AttestImageStep step) {
            super(context);
            this.step = step;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            if (step.getImage() == null || step.type == null || step.predicate == null) {
                throw new AbortException("attestImage needs image:, type: (cyclonedx, slsaprovenance or a URI) and predicate: (a JSON file)");
            }
            String predicateType;
            try {
                predicateType = PredicateTypes.resolve(step.type);
            } catch (RuntimeException e) {
                throw new AbortException("attestImage: " + e.getMessage());
            }
            Request request = new Request(step.getImage(), predicateType, step.predicate,
                    RegistryAccess.forImage(run, step.getImage(), step.getOciLayout()),
                    SignerAccess.resolve(run, step.getCredentialsId(), step.getPasswordCredentialsId(), step.getProfile()));
            Outcome outcome = workspace.act(new Attest(request, listener));
            SignatureAction.record(run, new SignatureAction.Signature(SignatureAction.Kind.ATTESTED, outcome.image(),
                    outcome.digest(), outcome.keyId(), predicateType));
            return outcome.digest();
        }
    }

    static final class Attest extends AgentWork<Outcome> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        Attest(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        Outcome work(File workspace) throws IOException {
            ImageReference reference = RegistryAccess.reference(request.image());
            Path predicate = workspace.toPath().resolve(request.predicate());
            byte[] content;
            try {
                content = Files.readAllBytes(predicate);
            } catch (NoSuchFileException e) {
                throw new AbortException("predicate: '" + request.predicate() + "' does not exist in the workspace "
                        + workspace + ": write it first (e.g. with generateSbom)");
            }
            ImageSignatures signatures = new ImageSignatures(request.registry().open(workspace));
            ImageSignatures.Stored stored;
            String keyId;
            if (request.signer().keyless()) {
                try (KeylessSigner keyless = request.signer().keylessSigner(workspace)) {
                    stored = signatures.attestKeyless(reference, keyless, request.predicateType(), content,
                            request.predicate(), Instant.now());
                }
                keyId = "keyless";
            } else {
                SigningKey key = request.signer().signingKey();
                stored = signatures.attest(reference, key, request.predicateType(), content, request.predicate(), Instant.now());
                keyId = key.verificationKey().hint();
            }
            stored.locations().forEach(l -> listener.getLogger().println("stored " + request.predicateType() + " attestation " + l));
            return new Outcome(stored.image().toString(), stored.imageDigest(), keyId);
        }
    }

    @Extension
    @Symbol("attestImage")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "attestImage";
        }

        @Override
        public String getDisplayName() {
            return "Attach a signed attestation to a container image";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return AgentStepExecution.CONTEXT;
        }
    }
}
