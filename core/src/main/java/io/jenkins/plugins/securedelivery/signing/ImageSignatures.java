package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.Manifest;
import io.jenkins.plugins.securedelivery.oci.OciStore;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessPolicy;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessSigner;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessVerdict;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessVerifier;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signs, attests and verifies images where they are stored, as cosign does: a legacy signature under the tag
 * {@code sha256-<hex>.sig}, and cosign v3 Sigstore bundles as OCI 1.1 referrers. Every operation first resolves the
 * reference to its manifest digest, once; what is signed and verified is that digest, never a tag.
 */
public final class ImageSignatures {

    /** Where a signature is stored. */
    public enum Format {
        /** cosign's tag-based format: {@code sha256-<hex>.sig} with simple-signing payloads. */
        LEGACY,
        /** cosign v3's format: a Sigstore bundle v0.3 (DSSE) as an OCI referrer of the image. */
        BUNDLE
    }

    /** What was signed or attested, and where it was stored. */
    public record Stored(ImageReference image, String imageDigest, List<String> locations) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OciStore store;

    public ImageSignatures(OciStore store) {
        this.store = store;
    }

    /** The image's manifest descriptor: a tag is resolved here, once, and only the digest is used after. */
    public Descriptor resolve(ImageReference image) throws IOException {
        Descriptor resolved = store.resolve(image);
        if (image.digest() != null && !image.digest().equals(resolved.digest())) {
            throw new SigningInputException(image.toString(), "the store holds " + resolved.digest() + " under this digest",
                    "the store answered with other content: check the registry");
        }
        return resolved;
    }

    /** Signs the image's manifest digest with a key, in the given formats. Signing again adds nothing new. */
    public Stored sign(ImageReference image, SigningKey key, Set<Format> formats, Instant now) throws IOException {
        Descriptor target = resolve(image);
        ImageReference pinned = image.withDigest(target.digest());
        ImageSigner signer = new ImageSigner(key);
        List<String> locations = new ArrayList<>();
        if (formats.contains(Format.LEGACY)) {
            ImageReference tag = image.repositoryReference().withTag(ImageSigner.legacySignatureTag(target.digest()));
            byte[] existing = store.manifest(tag).map(Manifest::bytes).orElse(null);
            OciArtifact legacy = signer.legacySignature(image.name(), target.digest(), existing);
            locations.add(store(pinned, legacy));
        }
        if (formats.contains(Format.BUNDLE)) {
            locations.add(store(pinned, signer.signatureBundle(target, now)));
        }
        return new Stored(pinned, target.digest(), locations);
    }

    /** Attests a predicate (a CycloneDX SBOM, SLSA provenance...) about the image with a key, as a bundle referrer. */
    public Stored attest(ImageReference image, SigningKey key, String predicateType, byte[] predicate, String predicateName, Instant now)
            throws IOException {
        Descriptor target = resolve(image);
        ImageReference pinned = image.withDigest(target.digest());
        OciArtifact artifact = new ImageSigner(key).attestationBundle(target, image.name(), predicateType, predicate, predicateName, now);
        return new Stored(pinned, target.digest(), List.of(store(pinned, artifact)));
    }

    /** Signs the image keyless (Fulcio certificate, Rekor entry), stored as a cosign v3 bundle referrer. */
    public Stored signKeyless(ImageReference image, KeylessSigner signer, Instant now) throws IOException {
        Descriptor target = resolve(image);
        ImageReference pinned = image.withDigest(target.digest());
        byte[] bundle = signer.signImage(image.name(), target.digest());
        OciArtifact artifact = ImageSigner.bundleReferrer(target, bundle, PredicateTypes.COSIGN_SIGNATURE, now);
        return new Stored(pinned, target.digest(), List.of(store(pinned, artifact)));
    }

    /** Attests a predicate keyless, stored as a bundle referrer. */
    public Stored attestKeyless(ImageReference image, KeylessSigner signer, String predicateType, byte[] predicate, String predicateName,
                                Instant now) throws IOException {
        Descriptor target = resolve(image);
        ImageReference pinned = image.withDigest(target.digest());
        byte[] statement = ImageSigner.statement(image.name(), target.digest(), predicateType, predicate, predicateName);
        OciArtifact artifact = ImageSigner.bundleReferrer(target, signer.attest(statement), predicateType, now);
        return new Stored(pinned, target.digest(), List.of(store(pinned, artifact)));
    }

    /** Verifies every signature and attestation of the image, in both formats, against a public key. */
    public VerificationReport verify(ImageReference image, VerificationKey key, Set<String> requiredPredicateTypes) throws IOException {
        Descriptor target = resolve(image);
        ImageReference pinned = image.withDigest(target.digest());
        ImageReference legacyTag = image.repositoryReference().withTag(ImageSigner.legacySignatureTag(target.digest()));
        byte[] legacy = store.manifest(legacyTag).map(Manifest::bytes).orElse(null);
        return new KeyVerifier(key).verify(target.digest(), legacy, referrerManifests(pinned), digest -> store.blob(pinned, digest),
                requiredPredicateTypes);
    }

    /**
     * Verifies the image's bundle referrers against a keyless policy (certificate identity and issuer, chain to the
     * trusted root, transparency-log entry). Legacy tag signatures are not read: keyless ones carry their certificate in
     * annotations that this verifier does not judge, so they are reported as skipped.
     */
    public VerificationReport verifyKeyless(ImageReference image, KeylessVerifier verifier, KeylessPolicy policy,
                                            Set<String> requiredPredicateTypes) throws IOException {
        Descriptor target = resolve(image);
        ImageReference pinned = image.withDigest(target.digest());
        List<VerifiedItem> items = new ArrayList<>();
        ImageReference legacyTag = image.repositoryReference().withTag(ImageSigner.legacySignatureTag(target.digest()));
        if (store.manifest(legacyTag).isPresent()) {
            items.add(new VerifiedItem(VerifiedItem.Kind.LEGACY_SIGNATURE, legacyTag.toString(), null, VerifiedItem.Status.SKIPPED,
                    "legacy tag signatures are judged by key (--key), not by a keyless policy"));
        }
        for (Descriptor referrer : store.referrers(pinned, ImageSigner.BUNDLE_ARTIFACT_TYPE)) {
            items.add(keylessItem(pinned, referrer, verifier, policy, target.digest()));
        }
        return VerificationReport.of(target.digest(), items, requiredPredicateTypes);
    }

    private VerifiedItem keylessItem(ImageReference pinned, Descriptor referrer, KeylessVerifier verifier, KeylessPolicy policy,
                                     String imageDigest) throws IOException {
        String source = referrer.digest();
        Optional<Manifest> manifest = store.manifest(pinned.withDigest(referrer.digest()));
        if (manifest.isEmpty()) {
            return new VerifiedItem(VerifiedItem.Kind.SIGNATURE_BUNDLE, source, null, VerifiedItem.Status.FAILED,
                    "the referrer is listed but its manifest is missing");
        }
        JsonNode layers = JSON.readTree(manifest.get().bytes()).path("layers");
        if (!layers.isArray() || layers.size() != 1) {
            return new VerifiedItem(VerifiedItem.Kind.SIGNATURE_BUNDLE, source, null, VerifiedItem.Status.FAILED,
                    "a bundle referrer holds exactly one layer, this one holds " + layers.size());
        }
        byte[] bundle = store.blob(pinned, layers.get(0).path("digest").asText());
        KeylessVerdict verdict = verifier.verify(bundle, imageDigest, policy);
        String predicateType = signedPredicateType(bundle);
        VerifiedItem.Kind kind = predicateType == null || PredicateTypes.COSIGN_SIGNATURE.equals(predicateType)
                ? VerifiedItem.Kind.SIGNATURE_BUNDLE : VerifiedItem.Kind.ATTESTATION;
        return new VerifiedItem(kind, source + " (layer " + layers.get(0).path("digest").asText() + ")", predicateType,
                verdict.passed() ? VerifiedItem.Status.OK : VerifiedItem.Status.FAILED,
                verdict.passed() ? "keyless checks passed" : String.join("; ", verdict.failures().stream().map(Object::toString).toList()));
    }

    /** The predicate type inside a bundle's DSSE statement (what was signed, not what an annotation claims); null if none. */
    private static String signedPredicateType(byte[] bundle) {
        try {
            JsonNode payload = JSON.readTree(bundle).path("dsseEnvelope").path("payload");
            if (payload.isMissingNode()) {
                return null;
            }
            return JSON.readTree(Base64.getDecoder().decode(payload.asText())).path("predicateType").asText(null);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private List<byte[]> referrerManifests(ImageReference pinned) throws IOException {
        List<byte[]> manifests = new ArrayList<>();
        for (Descriptor referrer : store.referrers(pinned, ImageSigner.BUNDLE_ARTIFACT_TYPE)) {
            store.manifest(pinned.withDigest(referrer.digest())).ifPresent(m -> manifests.add(m.bytes()));
        }
        return manifests;
    }

    /** Pushes an artifact's blobs, then its manifest: under its tag, or as a referrer of the image. */
    private String store(ImageReference pinned, OciArtifact artifact) throws IOException {
        for (byte[] blob : artifact.blobs()) {
            store.pushBlob(pinned, blob);
        }
        if (artifact.isReferrer()) {
            Descriptor stored = store.pushReferrer(pinned, artifact.manifest(), artifact.mediaType());
            return pinned.repositoryReference().withDigest(stored.digest()).toString();
        }
        ImageReference tag = pinned.repositoryReference().withTag(artifact.tag());
        store.pushManifest(tag, artifact.manifest(), artifact.mediaType());
        return tag.toString();
    }

    /** Both formats, cosign's default since v3 plus the legacy tag older verifiers read. */
    public static Set<Format> allFormats() {
        return EnumSet.allOf(Format.class);
    }
}
