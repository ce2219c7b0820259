package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.ImageSignatures;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PredicateTypes;
import io.jenkins.plugins.securedelivery.signing.SigningInputException;
import io.jenkins.plugins.securedelivery.signing.VerificationReport;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessPolicy;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessVerifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code secure-delivery verify}: every signature and attestation of an image, in both formats, against a policy. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify every signature and attestation of an image (legacy tag and bundle referrers) against a key or a keyless policy.",
                "Passes only if a signature verified, nothing found failed, and every required attestation verified. Exit 1 otherwise."})
final class VerifyCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Option(names = "--key", paramLabel = "FILE", description = "The public key (cosign.pub, SPKI PEM).")
    Path key;

    @Option(names = "--certificate-identity", paramLabel = "REGEX", description = "Keyless: the signer's identity (certificate SAN); the whole identity must match.")
    String identity;

    @Option(names = "--certificate-oidc-issuer", paramLabel = "URL", description = "Keyless: the OIDC issuer of the signer's identity.")
    String issuer;

    @Option(names = "--trusted-root", paramLabel = "FILE", description = "Keyless: the Sigstore trusted_root.json (Fulcio CAs, Rekor keys).")
    Path trustedRoot;

    @Option(names = "--require-attestation", split = ",", paramLabel = "TYPE",
            description = "Attestations that must be present and verify: cyclonedx, slsaprovenance, or URIs.")
    List<String> required = List.of();

    @Mixin RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        ImageReference reference = RegistryOptions.image(image);
        Set<String> requiredTypes = new TreeSet<>();
        required.forEach(t -> requiredTypes.add(PredicateTypes.resolve(t)));
        ImageSignatures signatures = new ImageSignatures(registry.open());
        VerificationReport report;
        if (key != null && identity == null && issuer == null) {
            report = signatures.verify(reference, KeyFiles.readVerificationKey(key), requiredTypes);
        } else if (key == null && identity != null && issuer != null && trustedRoot != null) {
            report = signatures.verifyKeyless(reference, KeylessVerifier.fromTrustedRoot(trustedRoot),
                    KeylessPolicy.of(identity, issuer), requiredTypes);
        } else {
            throw new SigningInputException("verify", "no single policy was given",
                    "give --key cosign.pub, or --certificate-identity REGEX --certificate-oidc-issuer URL --trusted-root FILE");
        }
        (report.passed() ? spec.commandLine().getOut() : spec.commandLine().getErr()).print(report.summary());
        return report.passed() ? 0 : SecureDelivery.FAILED_CHECK;
    }
}
