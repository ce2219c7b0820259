package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.proto.bundle.v1.Bundle;
import io.jenkins.plugins.securedelivery.signing.VerifiedItem.Kind;
import io.jenkins.plugins.securedelivery.signing.VerifiedItem.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Verifies what was fetched back for an image against a public key: legacy {@code .sig} manifests and Sigstore bundle
 * referrers, offline. Transparency-log entries in bundles are not checked (cosign's {@code --insecure-ignore-tlog}):
 * with a key, trust comes from the key alone. Every input is untrusted; nothing here throws on bad input, it is
 * reported as a FAILED item instead.
 */
public final class KeyVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final VerificationKey key;

    public KeyVerifier(VerificationKey key) {
        this.key = key;
    }

    /**
     * Everything about one image, and the verdict.
     *
     * @param legacyManifest    the manifest under {@code sha256-<hex>.sig}, or null when there is none
     * @param referrerManifests the manifests of the image's referrers of artifact type
     *                          {@code application/vnd.dev.sigstore.bundle.v0.3+json}
     */
    public VerificationReport verify(String imageDigest, byte[] legacyManifest, List<byte[]> referrerManifests, BlobSource blobs,
                                     Set<String> requiredPredicateTypes) {
        List<VerifiedItem> items = new ArrayList<>();
        if (legacyManifest != null) items.addAll(legacySignatures(imageDigest, legacyManifest, blobs));
        for (byte[] manifest : referrerManifests) items.add(bundleReferrer(imageDigest, manifest, blobs));
        return VerificationReport.of(imageDigest, items, requiredPredicateTypes);
    }

    /** One item per layer of a legacy signature manifest. */
    public List<VerifiedItem> legacySignatures(String imageDigest, byte[] manifest, BlobSource blobs) {
        String where = "signature manifest " + Sha256.of(manifest);
        List<LegacySignatureManifest.Layer> layers;
        try {
            layers = LegacySignatureManifest.layers(manifest);
        } catch (IOException e) {
            return List.of(failed(Kind.LEGACY_SIGNATURE, where, null, "it is not an OCI image manifest with layers"));
        }
        if (layers.isEmpty()) return List.of(failed(Kind.LEGACY_SIGNATURE, where, null, "it has no layers"));
        List<VerifiedItem> items = new ArrayList<>();
        for (var layer : layers) items.add(legacyLayer(imageDigest, where + " layer " + layer.digest(), layer, blobs));
        return items;
    }

    private VerifiedItem legacyLayer(String imageDigest, String where, LegacySignatureManifest.Layer layer, BlobSource blobs) {
        Kind kind = Kind.LEGACY_SIGNATURE;
        if (!SimpleSigningPayload.MEDIA_TYPE.equals(layer.mediaType())) {
            return skipped(kind, where, null, "layer media type " + layer.mediaType() + " is not a cosign simple-signing payload");
        }
        if (layer.annotations().containsKey(LegacySignatureManifest.CERTIFICATE_ANNOTATION)) {
            return skipped(kind, where, null, "made with a certificate (keyless); key " + key.hint() + " does not judge it");
        }
        String signature = layer.annotations().get(LegacySignatureManifest.SIGNATURE_ANNOTATION);
        if (signature == null) return failed(kind, where, null, "the layer has no " + LegacySignatureManifest.SIGNATURE_ANNOTATION + " annotation");
        byte[] payload;
        try {
            payload = fetch(blobs, layer.digest());
        } catch (IOException e) {
            return failed(kind, where, null, "the payload could not be fetched: " + e.getMessage());
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            return failed(kind, where, null, "the signature annotation is not base64");
        }
        if (!key.verifies(payload, der)) {
            return failed(kind, where, null, "the signature does not verify with key " + key.hint()
                    + " (the payload was changed, or another key signed it)");
        }
        SimpleSigningPayload.Claims claims;
        try {
            claims = SimpleSigningPayload.read(payload);
        } catch (IOException e) {
            return failed(kind, where, null, "the signed payload is not JSON");
        }
        if (!SimpleSigningPayload.TYPE.equals(claims.type())) {
            return failed(kind, where, null, "the signed payload's type is '" + claims.type() + "', not '" + SimpleSigningPayload.TYPE + "'");
        }
        if (!imageDigest.equals(claims.imageDigest())) {
            return failed(kind, where, null, "the signature is for image " + claims.imageDigest() + ", not " + imageDigest);
        }
        return ok(kind, where, null, "signed by key " + key.hint() + " for " + claims.dockerReference() + "@" + imageDigest);
    }

    /** One Sigstore bundle referrer manifest. */
    public VerifiedItem bundleReferrer(String imageDigest, byte[] manifest, BlobSource blobs) {
        String where = "referrer " + Sha256.of(manifest);
        JsonNode root;
        try {
            root = JSON.readTree(manifest);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.path("layers").isArray()) return failed(Kind.SIGNATURE_BUNDLE, where, null, "it is not an OCI image manifest");
        String annotated = root.path("annotations").path(BundleReferrerManifest.PREDICATE_TYPE_ANNOTATION).asText(null);
        Kind kind = PredicateTypes.COSIGN_SIGNATURE.equals(annotated) || annotated == null ? Kind.SIGNATURE_BUNDLE : Kind.ATTESTATION;
        String subject = root.path("subject").path("digest").asText(null);
        if (!imageDigest.equals(subject)) {
            return failed(kind, where, annotated, "its subject is " + subject + ", not " + imageDigest);
        }
        JsonNode layers = root.path("layers");
        if (layers.size() != 1 || !SigstoreBundles.MEDIA_TYPE.equals(layers.get(0).path("mediaType").asText())) {
            return skipped(kind, where, annotated, "it does not hold exactly one " + SigstoreBundles.MEDIA_TYPE + " layer");
        }
        String layerDigest = layers.get(0).path("digest").asText();
        byte[] bundle;
        try {
            bundle = fetch(blobs, layerDigest);
        } catch (IOException e) {
            return failed(kind, where, annotated, "the bundle " + layerDigest + " could not be fetched: " + e.getMessage());
        }
        return bundle(imageDigest, where + " bundle " + layerDigest, bundle, annotated);
    }

    /**
     * A Sigstore bundle (JSON), e.g. one saved to a file.
     *
     * @param annotatedPredicateType what the manifest's annotation claims, or null; the signed statement decides
     */
    public VerifiedItem bundle(String imageDigest, String where, byte[] json, String annotatedPredicateType) {
        Kind guessed = annotatedPredicateType == null || PredicateTypes.COSIGN_SIGNATURE.equals(annotatedPredicateType)
                ? Kind.SIGNATURE_BUNDLE : Kind.ATTESTATION;
        Bundle bundle;
        try {
            bundle = SigstoreBundles.read(json);
        } catch (IOException | RuntimeException e) {
            return failed(guessed, where, annotatedPredicateType, "it is not a Sigstore bundle (protobuf JSON)");
        }
        if (!bundle.getMediaType().equals(SigstoreBundles.MEDIA_TYPE)) {
            return failed(guessed, where, annotatedPredicateType, "bundle media type '" + bundle.getMediaType() + "' is not " + SigstoreBundles.MEDIA_TYPE);
        }
        var material = bundle.getVerificationMaterial();
        if (material.hasCertificate() || material.hasX509CertificateChain()) {
            return skipped(guessed, where, annotatedPredicateType, "made with a certificate (keyless); key " + key.hint() + " does not judge it");
        }
        String hint = material.hasPublicKey() ? material.getPublicKey().getHint() : "";
        if (!hint.isEmpty() && !hint.equals(key.hint())) {
            return skipped(guessed, where, annotatedPredicateType, "it names another key (hint " + hint + ", ours is " + key.hint() + ")");
        }
        if (!bundle.hasDsseEnvelope()) {
            return skipped(guessed, where, annotatedPredicateType, "it holds a message signature, not a DSSE envelope; only DSSE bundles are verified");
        }
        var envelope = bundle.getDsseEnvelope();
        if (envelope.getSignaturesCount() != 1) {
            return failed(guessed, where, annotatedPredicateType, "the DSSE envelope has " + envelope.getSignaturesCount()
                    + " signatures; a bundle's envelope must have exactly one");
        }
        if (!InTotoStatement.PAYLOAD_TYPE.equals(envelope.getPayloadType())) {
            return failed(guessed, where, annotatedPredicateType, "payload type '" + envelope.getPayloadType() + "' is not " + InTotoStatement.PAYLOAD_TYPE);
        }
        byte[] payload = envelope.getPayload().toByteArray();
        byte[] signature = envelope.getSignatures(0).getSig().toByteArray();
        if (!key.verifies(Dsse.pae(envelope.getPayloadType(), payload), signature)) {
            return failed(guessed, where, annotatedPredicateType, "the DSSE signature does not verify with key " + key.hint()
                    + " (the statement was changed, or another key signed it)");
        }
        InTotoStatement.Claims statement;
        try {
            statement = InTotoStatement.read(payload);
        } catch (IOException e) {
            return failed(guessed, where, annotatedPredicateType, "the signed statement is not JSON");
        }
        String predicateType = statement.predicateType();
        Kind kind = PredicateTypes.COSIGN_SIGNATURE.equals(predicateType) ? Kind.SIGNATURE_BUNDLE : Kind.ATTESTATION;
        if (!InTotoStatement.ACCEPTED_TYPES.contains(statement.type())) {
            return failed(kind, where, predicateType, "statement type '" + statement.type() + "' is not an in-toto Statement v1 or v0.1");
        }
        if (predicateType == null || predicateType.isEmpty()) {
            return failed(kind, where, null, "the signed statement has no predicateType");
        }
        if (annotatedPredicateType != null && !annotatedPredicateType.equals(predicateType)) {
            return failed(kind, where, predicateType, "the manifest annotation says " + annotatedPredicateType
                    + " but the signed statement says " + predicateType);
        }
        String hex = imageDigest.startsWith("sha256:") ? imageDigest.substring(7) : imageDigest;
        if (!statement.subjectSha256().contains(hex)) {
            return failed(kind, where, predicateType, "the signed statement is about " + statement.subjectSha256() + ", not " + imageDigest);
        }
        return ok(kind, where, predicateType, "signed by key " + key.hint() + " for " + imageDigest);
    }

    private static byte[] fetch(BlobSource blobs, String digest) throws IOException {
        byte[] content = blobs.blob(digest);
        if (content == null) throw new IOException("not found");
        String actual = Sha256.of(content);
        if (!actual.equals(digest)) throw new IOException("its content has digest " + actual);
        return content;
    }

    private static VerifiedItem ok(Kind kind, String where, String type, String reason) {
        return new VerifiedItem(kind, where, type, Status.OK, reason);
    }

    private static VerifiedItem failed(Kind kind, String where, String type, String reason) {
        return new VerifiedItem(kind, where, type, Status.FAILED, reason);
    }

    private static VerifiedItem skipped(Kind kind, String where, String type, String reason) {
        return new VerifiedItem(kind, where, type, Status.SKIPPED, reason);
    }
}
