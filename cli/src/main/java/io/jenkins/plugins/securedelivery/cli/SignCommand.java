package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.ImageSignatures;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessSigner;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code secure-delivery sign}: signs an image's manifest digest, cosign-compatible. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign an image's manifest digest (a tag is resolved once, and the digest printed), cosign-compatible.",
                "Stores cosign's legacy signature tag (sha256-<hex>.sig) and a cosign v3 Sigstore bundle referrer, or one of them.",
                "Prints IMAGE@sha256:<digest> that was signed."})
final class SignCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "registry/repository:tag or @sha256:<digest>")
    String image;

    @Mixin SignerOptions signer;
    @Mixin RegistryOptions registry;

    @Option(names = "--storage", split = ",", paramLabel = "legacy,bundle",
            description = "Where to store the signature: legacy (tag), bundle (referrer). Default: both with --key; bundle keyless.")
    List<ImageSignatures.Format> formats;

    @Override
    public Integer call() throws Exception {
        ImageReference reference = RegistryOptions.image(image);
        ImageSignatures signatures = new ImageSignatures(registry.open());
        ImageSignatures.Stored stored;
        if (signer.isKeyless()) {
            try (KeylessSigner keyless = signer.keylessSigner()) {
                stored = signatures.signKeyless(reference, keyless, Instant.now());
            }
        } else {
            Set<ImageSignatures.Format> chosen = formats == null || formats.isEmpty() ? ImageSignatures.allFormats() : EnumSet.copyOf(formats);
            stored = signatures.sign(reference, signer.signingKey(), chosen, Instant.now());
        }
        var err = spec.commandLine().getErr();
        if (reference.digest() == null) {
            err.println("resolved " + reference + " to " + stored.imageDigest() + " (signed by digest)");
        }
        stored.locations().forEach(l -> err.println("stored " + l));
        spec.commandLine().getOut().println(stored.image());
        return 0;
    }
}
