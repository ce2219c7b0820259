package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Signs and attests images with a key, producing what cosign would store: the bytes only, no registry I/O. Pushing
 * an {@link OciArtifact} is the caller's: blobs first, then the manifest under its tag or as a referrer.
 */
public final class ImageSigner {

    /** The artifact type of cosign v3 bundle referrers: what to ask the referrers API for. */
    public static final String BUNDLE_ARTIFACT_TYPE = SigstoreBundles.MEDIA_TYPE;
    /** The media type of legacy signature manifests and bundle referrer manifests. */
    public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SigningKey key;

    public ImageSigner(SigningKey key) {
        this.key = key;
    }

    /** cosign's tag for legacy signatures of an image digest: {@code sha256-<hex>.sig}. */
    public static String legacySignatureTag(String imageDigest) {
        return "sha256-" + Sha256.hex(imageDigest) + ".sig";
    }

    /**
     * A legacy (cosign v2, tag-based) signature of {@code imageDigest}.
     *
     * @param dockerReference the repository as cosign writes it in the payload, e.g. {@code localhost:5000/app}
     * @param existing        the manifest now under {@link #legacySignatureTag}, or null when there is none: the new
     *                        signature is added to its layers, as cosign does. If it already holds a signature of this
     *                        image by this key, it is returned unchanged (signing twice stores nothing new).
     */
    public OciArtifact legacySignature(String dockerReference, String imageDigest, byte[] existing) {
        String tag = legacySignatureTag(imageDigest);
        byte[] payload = SimpleSigningPayload.of(dockerReference, imageDigest);
        if (existing != null && alreadySigned(existing, payload)) {
            return new OciArtifact(tag, existing, LegacySignatureManifest.MANIFEST_MEDIA_TYPE, List.of());
        }
        String signature = Base64.getEncoder().encodeToString(key.sign(payload));
        var layer = new LegacySignatureManifest.Layer(SimpleSigningPayload.MEDIA_TYPE, Sha256.of(payload), payload.length,
                Map.of(LegacySignatureManifest.SIGNATURE_ANNOTATION, signature));
        return LegacySignatureManifest.append(tag, existing, layer, payload);
    }

    /**
     * A cosign v3 signature: an in-toto statement of type {@link PredicateTypes#COSIGN_SIGNATURE} about the image, in a
     * DSSE envelope in a Sigstore bundle, in a referrer manifest whose subject is {@code image}.
     */
    public OciArtifact signatureBundle(Descriptor image, Instant created) {
        return bundle(image, null, PredicateTypes.COSIGN_SIGNATURE, JSON.createObjectNode(), created);
    }

    /**
     * An attestation: {@code predicate} (a JSON object, e.g. a CycloneDX BOM or SLSA provenance) in an in-toto
     * statement about the image, as {@link #signatureBundle} stores it.
     *
     * @param repository    the subject name written in the statement (cosign writes the repository), or null
     * @param predicateType a URI, see {@link PredicateTypes#resolve}
     * @param predicateName the predicate's file as the user knows it, for error messages
     */
    public OciArtifact attestationBundle(Descriptor image, String repository, String predicateType, byte[] predicate,
                                         String predicateName, Instant created) {
        return bundle(image, repository, predicateType, predicateObject(predicate, predicateName), created);
    }

    private static JsonNode predicateObject(byte[] predicate, String predicateName) {
        JsonNode tree;
        try {
            tree = JSON.readTree(predicate);
        } catch (IOException e) {
            throw new SigningInputException(predicateName, "the predicate is not valid JSON", "give a JSON document, e.g. a CycloneDX JSON SBOM");
        }
        if (tree == null || !tree.isObject()) {
            throw new SigningInputException(predicateName, "the predicate is not a JSON object", "an in-toto predicate is a JSON object; give one");
        }
        return tree;
    }

    /**
     * The in-toto statement {@link #attestationBundle} signs, for signers that make their own bundle (keyless signing
     * through sigstore-java): {@code predicate} must be a JSON object.
     */
    public static byte[] statement(String repository, String imageDigest, String predicateType, byte[] predicate, String predicateName) {
        return InTotoStatement.of(repository, imageDigest, predicateType, predicateObject(predicate, predicateName));
    }

    /** The referrer to store a bundle made elsewhere (e.g. keyless) in, exactly as cosign v3 stores its own. */
    public static OciArtifact bundleReferrer(Descriptor image, byte[] bundle, String predicateType, Instant created) {
        Sha256.hex(image.digest());
        return BundleReferrerManifest.of(image, bundle, predicateType, created);
    }

    /** The bundle JSON of an artifact made by {@link #signatureBundle} or {@link #attestationBundle}, e.g. to save it. */
    public static byte[] bundleOf(OciArtifact artifact) {
        return artifact.blobs().get(1);
    }

    private OciArtifact bundle(Descriptor image, String repository, String predicateType, JsonNode predicate, Instant created) {
        Sha256.hex(image.digest());
        byte[] statement = InTotoStatement.of(repository, image.digest(), predicateType, predicate);
        byte[] bundle = SigstoreBundles.write(key, statement);
        return BundleReferrerManifest.of(image, bundle, predicateType, created);
    }

    private boolean alreadySigned(byte[] existing, byte[] payload) {
        List<LegacySignatureManifest.Layer> layers;
        try {
            layers = LegacySignatureManifest.layers(existing);
        } catch (IOException e) {
            return false; // append() reports the manifest as unusable, naming it.
        }
        String digest = Sha256.of(payload);
        for (var layer : layers) {
            String signature = layer.annotations().get(LegacySignatureManifest.SIGNATURE_ANNOTATION);
            if (layer.digest().equals(digest) && signature != null) {
                try {
                    if (key.verificationKey().verifies(payload, Base64.getDecoder().decode(signature))) return true;
                } catch (IllegalArgumentException notBase64) {
                    // Someone else's damaged layer: not ours.
                }
            }
        }
        return false;
    }
}
