package io.jenkins.plugins.securedelivery.signing;

import static io.jenkins.plugins.securedelivery.signing.ImageSignerTest.CREATED;
import static io.jenkins.plugins.securedelivery.signing.ImageSignerTest.IMAGE;
import static io.jenkins.plugins.securedelivery.signing.ImageSignerTest.IMAGE_DESCRIPTOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.signing.VerifiedItem.Kind;
import io.jenkins.plugins.securedelivery.signing.VerifiedItem.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Signs with {@link ImageSigner}, stores blobs in a map as a registry would, and verifies what comes back. */
class KeyVerifierTest {

    static final String OTHER_IMAGE = "sha256:" + "ab".repeat(32);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SigningKey key = KeyFiles.readSigningKey(Fixtures.file("ecdsa-p256-pkcs8.pem"), PasswordSource.none());
    private static final SigningKey otherKey = KeyFiles.readSigningKey(Fixtures.file("cosign-generated-empty-password.key"), PasswordSource.none());
    private final KeyVerifier verifier = new KeyVerifier(key.verificationKey());
    private final Map<String, byte[]> blobs = new HashMap<>();
    private final BlobSource store = digest -> {
        byte[] blob = blobs.get(digest);
        if (blob == null) throw new IOException("blob unknown to registry");
        return blob;
    };

    private byte[] stored(OciArtifact artifact) {
        artifact.blobs().forEach(b -> blobs.put(Sha256.of(b), b));
        return artifact.manifest();
    }

    @Test
    void aLegacySignatureAndAnAttestationOfThisImagePassWhenTheAttestationIsRequired() {
        byte[] legacy = stored(new ImageSigner(key).legacySignature("localhost:5000/app", IMAGE, null));
        byte[] sbom = stored(new ImageSigner(key).attestationBundle(IMAGE_DESCRIPTOR, null, PredicateTypes.CYCLONEDX,
                "{\"bomFormat\":\"CycloneDX\"}".getBytes(StandardCharsets.UTF_8), "bom.json", CREATED));

        VerificationReport report = verifier.verify(IMAGE, legacy, List.of(sbom), store, Set.of(PredicateTypes.CYCLONEDX));

        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.items()).extracting(VerifiedItem::kind, VerifiedItem::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.LEGACY_SIGNATURE, Status.OK),
                        org.assertj.core.groups.Tuple.tuple(Kind.ATTESTATION, Status.OK));
    }

    @Test
    void aSignatureBundleAloneIsASignature() {
        byte[] bundle = stored(new ImageSigner(key).signatureBundle(IMAGE_DESCRIPTOR, CREATED));

        VerificationReport report = verifier.verify(IMAGE, null, List.of(bundle), store, Set.of());

        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.items().get(0).kind()).isEqualTo(Kind.SIGNATURE_BUNDLE);
    }

    @Test
    void nothingFoundNeverPasses() {
        VerificationReport report = verifier.verify(IMAGE, null, List.of(), store, Set.of());

        assertThat(report.passed()).isFalse();
        assertThat(report.reasons()).anySatisfy(r -> assertThat(r).contains("no signature or attestation was found"));
    }

    @Test
    void anAttestationWithoutASignatureDoesNotPass() {
        byte[] sbom = stored(new ImageSigner(key).attestationBundle(IMAGE_DESCRIPTOR, null, PredicateTypes.CYCLONEDX,
                "{}".getBytes(StandardCharsets.UTF_8), "bom.json", CREATED));

        assertThat(verifier.verify(IMAGE, null, List.of(sbom), store, Set.of()).passed()).isFalse();
    }

    @Test
    void aMissingRequiredAttestationFailsAndSaysWhich() {
        byte[] legacy = stored(new ImageSigner(key).legacySignature("localhost:5000/app", IMAGE, null));

        VerificationReport report = verifier.verify(IMAGE, legacy, List.of(), store, Set.of(PredicateTypes.SLSA_PROVENANCE_V1));

        assertThat(report.passed()).isFalse();
        assertThat(report.reasons()).contains("required attestation https://slsa.dev/provenance/v1 is missing or did not verify");
    }

    @Test
    void aLegacySignatureOfAnotherImageStoredUnderThisImagesTagFails() {
        // Someone copies a valid signature of another image to this image's .sig tag.
        byte[] copied = stored(new ImageSigner(key).legacySignature("localhost:5000/app", OTHER_IMAGE, null));

        VerificationReport report = verifier.verify(IMAGE, copied, List.of(), store, Set.of());

        assertThat(report.passed()).isFalse();
        assertThat(report.items().get(0).status()).isEqualTo(Status.FAILED);
        assertThat(report.items().get(0).reason()).isEqualTo("the signature is for image " + OTHER_IMAGE + ", not " + IMAGE);
    }

    @Test
    void aTamperedLegacyPayloadFails() throws Exception {
        OciArtifact signed = new ImageSigner(key).legacySignature("localhost:5000/app", IMAGE, null);
        stored(signed);
        // The payload is rewritten (another repository) and the manifest updated to its new digest: only the
        // signature annotation can tell.
        byte[] payload = SimpleSigningPayload.of("evil.example/app", IMAGE);
        blobs.put(Sha256.of(payload), payload);
        ObjectNode manifest = (ObjectNode) JSON.readTree(signed.manifest());
        ((ObjectNode) manifest.path("layers").get(0)).put("digest", Sha256.of(payload)).put("size", payload.length);

        VerificationReport report = verifier.verify(IMAGE, JSON.writeValueAsBytes(manifest), List.of(), store, Set.of());

        assertThat(report.passed()).isFalse();
        assertThat(report.items().get(0).reason()).contains("the signature does not verify with key " + key.verificationKey().hint());
    }

    @Test
    void aLegacyPayloadWhoseBlobDoesNotMatchItsDigestFails() throws Exception {
        OciArtifact signed = new ImageSigner(key).legacySignature("localhost:5000/app", IMAGE, null);
        stored(signed);
        String digest = JSON.readTree(signed.manifest()).path("layers").get(0).path("digest").asText();
        blobs.put(digest, SimpleSigningPayload.of("evil.example/app", IMAGE));

        VerifiedItem item = verifier.legacySignatures(IMAGE, signed.manifest(), store).get(0);

        assertThat(item.status()).isEqualTo(Status.FAILED);
        assertThat(item.reason()).contains("could not be fetched").contains("its content has digest");
    }

    @Test
    void aKeylessLegacySignatureBesideOursIsSkippedNotFailed() throws Exception {
        OciArtifact ours = new ImageSigner(key).legacySignature("localhost:5000/app", IMAGE, null);
        stored(ours);
        // A layer as cosign keyless writes it: the signature comes with a Fulcio certificate annotation.
        byte[] payload = SimpleSigningPayload.of("localhost:5000/app", IMAGE);
        ObjectNode manifest = (ObjectNode) JSON.readTree(ours.manifest());
        ObjectNode keyless = manifest.withArray("layers").addObject();
        keyless.put("mediaType", SimpleSigningPayload.MEDIA_TYPE).put("size", payload.length).put("digest", Sha256.of(payload));
        keyless.putObject("annotations").put("dev.cosignproject.cosign/signature", "MEUCIQ==")
                .put("dev.sigstore.cosign/certificate", "-----BEGIN CERTIFICATE-----");

        VerificationReport report = verifier.verify(IMAGE, JSON.writeValueAsBytes(manifest), List.of(), store, Set.of());

        assertThat(report.items()).extracting(VerifiedItem::status).containsExactly(Status.OK, Status.SKIPPED);
        assertThat(report.passed()).as(report.summary()).isTrue();
    }

    @Test
    void aLegacySignatureByAnotherKeyFails() {
        byte[] legacy = stored(new ImageSigner(otherKey).legacySignature("localhost:5000/app", IMAGE, null));

        assertThat(verifier.verify(IMAGE, legacy, List.of(), store, Set.of()).passed()).isFalse();
    }

    @Test
    void aBundleNamingAnotherKeyIsSkippedAndDoesNotCount() {
        byte[] bundle = stored(new ImageSigner(otherKey).signatureBundle(IMAGE_DESCRIPTOR, CREATED));

        VerificationReport report = verifier.verify(IMAGE, null, List.of(bundle), store, Set.of());

        assertThat(report.items().get(0).status()).isEqualTo(Status.SKIPPED);
        assertThat(report.items().get(0).reason()).contains("names another key");
        assertThat(report.passed()).isFalse();
    }

    @Test
    void aBundleReferringToAnotherImageFails() {
        Descriptor other = new Descriptor(IMAGE_DESCRIPTOR.mediaType(), OTHER_IMAGE, 393, null, null);
        byte[] bundle = stored(new ImageSigner(key).signatureBundle(other, CREATED));

        VerifiedItem item = verifier.bundleReferrer(IMAGE, bundle, store);

        assertThat(item.status()).isEqualTo(Status.FAILED);
        assertThat(item.reason()).isEqualTo("its subject is " + OTHER_IMAGE + ", not " + IMAGE);
    }

    @Test
    void aBundleWhoseStatementIsAboutAnotherImageFailsEvenUnderThisImagesSubject() throws Exception {
        // A valid bundle for another image, re-wrapped in a referrer whose subject is this image.
        byte[] bundle = ImageSigner.bundleOf(new ImageSigner(key).signatureBundle(
                new Descriptor(IMAGE_DESCRIPTOR.mediaType(), OTHER_IMAGE, 393, null, null), CREATED));
        byte[] rewrapped = stored(BundleReferrerManifest.of(IMAGE_DESCRIPTOR, bundle, PredicateTypes.COSIGN_SIGNATURE, CREATED));

        VerifiedItem item = verifier.bundleReferrer(IMAGE, rewrapped, store);

        assertThat(item.status()).isEqualTo(Status.FAILED);
        assertThat(item.reason()).contains("the signed statement is about [" + OTHER_IMAGE.substring(7) + "]");
    }

    @Test
    void aTamperedStatementFails() throws Exception {
        byte[] bundle = ImageSigner.bundleOf(new ImageSigner(key).attestationBundle(IMAGE_DESCRIPTOR, null, PredicateTypes.CYCLONEDX,
                "{\"components\":[]}".getBytes(StandardCharsets.UTF_8), "bom.json", CREATED));
        ObjectNode tree = (ObjectNode) JSON.readTree(bundle);
        String statement = new String(Base64.getDecoder().decode(tree.path("dsseEnvelope").path("payload").asText()), StandardCharsets.UTF_8);
        String forged = statement.replace("\"components\":[]", "\"components\":[{\"name\":\"backdoor\"}]");
        ((ObjectNode) tree.path("dsseEnvelope")).put("payload", Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8)));

        VerifiedItem item = verifier.bundle(IMAGE, "bundle.json", JSON.writeValueAsBytes(tree), PredicateTypes.CYCLONEDX);

        assertThat(item.status()).isEqualTo(Status.FAILED);
        assertThat(item.reason()).contains("the DSSE signature does not verify");
    }

    @Test
    void anAnnotationThatDisagreesWithTheSignedPredicateTypeFails() {
        byte[] bundle = ImageSigner.bundleOf(new ImageSigner(key).signatureBundle(IMAGE_DESCRIPTOR, CREATED));

        VerifiedItem item = verifier.bundle(IMAGE, "bundle.json", bundle, PredicateTypes.SLSA_PROVENANCE_V1);

        assertThat(item.status()).isEqualTo(Status.FAILED);
        assertThat(item.reason()).contains("annotation says https://slsa.dev/provenance/v1 but the signed statement says https://sigstore.dev/cosign/sign/v1");
    }

    @Test
    void aMissingBundleBlobFails() {
        OciArtifact artifact = new ImageSigner(key).signatureBundle(IMAGE_DESCRIPTOR, CREATED);

        VerifiedItem item = verifier.bundleReferrer(IMAGE, artifact.manifest(), store);

        assertThat(item.status()).isEqualTo(Status.FAILED);
        assertThat(item.reason()).contains("could not be fetched: blob unknown to registry");
    }

    @Test
    void garbageIsReportedNotThrown() {
        byte[] garbage = "not json".getBytes(StandardCharsets.UTF_8);

        assertThat(verifier.legacySignatures(IMAGE, garbage, store)).extracting(VerifiedItem::status).containsExactly(Status.FAILED);
        assertThat(verifier.bundleReferrer(IMAGE, garbage, store).status()).isEqualTo(Status.FAILED);
        assertThat(verifier.bundle(IMAGE, "x", garbage, null).status()).isEqualTo(Status.FAILED);
    }

    @Test
    void aBundleMadeByCosignVerifiesWithTheKeyThatSignedIt() {
        VerificationKey cosignKey = KeyFiles.readVerificationKey(Fixtures.file("cosign-3.1.1-attestation-signer.pub"));
        String image = "sha256:434cfcba528e31b703a13909aa41ceb40019ab34877fea28df0ab91d40096d2d";

        VerifiedItem item = new KeyVerifier(cosignKey).bundle(image, "cosign bundle",
                Fixtures.bytes("cosign-3.1.1-cyclonedx-attestation.sigstore.json"), PredicateTypes.CYCLONEDX);

        assertThat(item.status()).as(item.toString()).isEqualTo(Status.OK);
        assertThat(item.kind()).isEqualTo(Kind.ATTESTATION);
        assertThat(item.predicateType()).isEqualTo("https://cyclonedx.org/bom");
        assertThat(new KeyVerifier(cosignKey).bundle(OTHER_IMAGE, "cosign bundle",
                Fixtures.bytes("cosign-3.1.1-cyclonedx-attestation.sigstore.json"), null).status()).isEqualTo(Status.FAILED);
    }

    @Test
    void aBundleMadeByCosignIsNotOursToJudgeWithAnotherKey() {
        VerifiedItem item = verifier.bundle(IMAGE, "cosign bundle", Fixtures.bytes("cosign-3.1.1-cyclonedx-attestation.sigstore.json"), null);

        assertThat(item.status()).isEqualTo(Status.SKIPPED);
    }
}
