package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.ImageSignatures;
import io.jenkins.plugins.securedelivery.signing.PredicateTypes;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code secure-delivery attest}: an in-toto Statement v1 about the image, signed in DSSE, attached as a referrer. */
@Command(name = "attest", mixinStandardHelpOptions = true,
        description = {"Attach a signed attestation (in-toto Statement v1 in DSSE, Sigstore bundle v0.3) to an image, as an OCI referrer.",
                "Prints IMAGE@sha256:<digest> that was attested."})
final class AttestCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Option(names = "--type", required = true, paramLabel = "cyclonedx|slsaprovenance|URI",
            description = "The predicate type: cyclonedx (https://cyclonedx.org/bom), slsaprovenance (https://slsa.dev/provenance/v1), or a URI.")
    String type;

    @Option(names = "--predicate", required = true, paramLabel = "FILE", description = "The predicate, a JSON object (e.g. the CycloneDX SBOM).")
    Path predicate;

    @Mixin SignerOptions signer;
    @Mixin RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        ImageReference reference = RegistryOptions.image(image);
        String predicateType = PredicateTypes.resolve(type);
        byte[] content = Files.readAllBytes(predicate);
        ImageSignatures signatures = new ImageSignatures(registry.open());
        ImageSignatures.Stored stored;
        if (signer.isKeyless()) {
            try (KeylessSigner keyless = signer.keylessSigner()) {
                stored = signatures.attestKeyless(reference, keyless, predicateType, content, predicate.toString(), Instant.now());
            }
        } else {
            stored = signatures.attest(reference, signer.signingKey(), predicateType, content, predicate.toString(), Instant.now());
        }
        stored.locations().forEach(l -> spec.commandLine().getErr().println("stored " + predicateType + " attestation " + l));
        spec.commandLine().getOut().println(stored.image());
        return 0;
    }
}
