package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.plugin.actions.SignatureAction;
import io.jenkins.plugins.securedelivery.signing.ImageSignatures;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessSigner;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def digest = signImage(image: "${registry}/app:${GIT_COMMIT}", credentialsId: 'cosign-key')}: signs the image's
 * manifest digest, cosign-compatible (legacy .sig tag and v3 bundle referrer); returns the digest that was signed.
 */
public final class SignImageStep extends ImageSigningStep {

    private List<String> storage = new ArrayList<>();

    @DataBoundConstructor
    public SignImageStep(String image) {
        super(image);
    }

    public List<String> getStorage() {
        return List.copyOf(storage);
    }

    /** legacy (cosign's sha256-HEX.sig tag), bundle (a Sigstore bundle referrer), or both (the default with a key). */
    @DataBoundSetter
    public void setStorage(List<String> storage) {
        this.storage = storage == null ? new ArrayList<>() : new ArrayList<>(storage);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** Where and how the agent signs. */
    record Request(String image, RegistryAccess registry, SignerAccess signer, List<String> storage) implements Serializable {
    }

    record Outcome(String image, String digest, String keyId, List<String> locations) implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient SignImageStep step;

        Execution(StepContext context, SignImageStep step) {
            super(context);
            this.step = step;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            if (step.getImage() == null) {
                throw new AbortException("signImage: no image was given: add image: 'registry.example.com/team/app:1.0'");
            }
            Request request = new Request(step.getImage(), RegistryAccess.forImage(run, step.getImage(), step.getOciLayout()),
                    SignerAccess.resolve(run, step.getCredentialsId(), step.getPasswordCredentialsId(), step.getProfile()),
                    step.getStorage());
            Outcome outcome = workspace.act(new Sign(request, listener));
            SignatureAction.record(run, new SignatureAction.Signature(SignatureAction.Kind.SIGNED, outcome.image(),
                    outcome.digest(), outcome.keyId(), null));
            return outcome.digest();
        }
    }

    static final class Sign extends AgentWork<Outcome> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        Sign(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        Outcome work(File workspace) throws IOException {
            ImageReference reference = RegistryAccess.reference(request.image());
            ImageSignatures signatures = new ImageSignatures(request.registry().open(workspace));
            ImageSignatures.Stored stored;
            String keyId;
            if (request.signer().keyless()) {
                try (KeylessSigner keyless = request.signer().keylessSigner(workspace)) {
                    stored = signatures.signKeyless(reference, keyless, Instant.now());
                }
                keyId = "keyless";
            } else {
                SigningKey key = request.signer().signingKey();
                stored = signatures.sign(reference, key, formats(request.storage()), Instant.now());
                keyId = key.verificationKey().hint();
            }
            if (reference.digest() == null) {
                listener.getLogger().println("resolved " + reference + " to " + stored.imageDigest() + " (signed by digest)");
            }
            stored.locations().forEach(l -> listener.getLogger().println("stored " + l));
            return new Outcome(stored.image().toString(), stored.imageDigest(), keyId, List.copyOf(stored.locations()));
        }

        private static Set<ImageSignatures.Format> formats(List<String> names) throws AbortException {
            if (names.isEmpty()) {
                return ImageSignatures.allFormats();
            }
            Set<ImageSignatures.Format> chosen = EnumSet.noneOf(ImageSignatures.Format.class);
            for (String name : names) {
                try {
                    chosen.add(ImageSignatures.Format.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new AbortException("storage: '" + name + "' is not a signature storage: use legacy, bundle, or both");
                }
            }
            return chosen;
        }
    }

    @Extension
    @Symbol("signImage")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "signImage";
        }

        @Override
        public String getDisplayName() {
            return "Sign a container image (cosign-compatible)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return AgentStepExecution.CONTEXT;
        }
    }
}
