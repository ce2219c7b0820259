package io.jenkins.plugins.securedelivery.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSignerTest {

    static final String IMAGE = "sha256:434cfcba528e31b703a13909aa41ceb40019ab34877fea28df0ab91d40096d2d";
    static final Descriptor IMAGE_DESCRIPTOR = new Descriptor("application/vnd.oci.image.manifest.v1+json", IMAGE, 393, null, null);
    static final Instant CREATED = Instant.parse("2026-08-20T01:33:28.123Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SigningKey key = KeyFiles.readSigningKey(Fixtures.file("ecdsa-p256-pkcs8.pem"), PasswordSource.none());
    private final ImageSigner signer = new ImageSigner(key);

    @Test
    void theLegacyPayloadIsByteForByteWhatCosignSigns() {
        byte[] payload = SimpleSigningPayload.of("localhost:5000/app", IMAGE);

        assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(
                "{\"critical\":{\"identity\":{\"docker-reference\":\"localhost:5000/app\"},"
                        + "\"image\":{\"docker-manifest-digest\":\"" + IMAGE + "\"},"
                        + "\"type\":\"cosign container image signature\"},\"optional\":null}");
    }

    @Test
    void theLegacyPayloadAndManifestMatchWhatCosignStoredInARegistry() {
        // cosign 1.13.1 signed docker.io/chihjenhuang/cosign1@sha256:4c1c...; its .sig manifest, byte for byte, is the
        // fixture (its digest is the registry's Docker-Content-Digest). The payload blob itself was not logged, but
        // its digest was: ours hashes to it.
        String real = new String(Fixtures.bytes("cosign-1.13.1-legacy-signature.manifest.json"), StandardCharsets.UTF_8);
        assertThat(Sha256.of(real.getBytes(StandardCharsets.UTF_8))).isEqualTo("sha256:7ebe8964225fa4619b53aa35416ef0246c037e36ddf81776b21b15e1dda2262b");
        String image = "sha256:4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d";

        byte[] payload = SimpleSigningPayload.of("index.docker.io/chihjenhuang/cosign1", image);
        var layer = new LegacySignatureManifest.Layer(SimpleSigningPayload.MEDIA_TYPE, Sha256.of(payload), payload.length, java.util.Map.of(
                "dev.cosignproject.cosign/signature", "MEYCIQCPH7NJAIfrB6BZN91dV0o7l/i11muXrvrAh100jDMMhAIhAPsLH0oXb2OPITXRpWBMUd3vHtz5Ks5pql2Hr6t/IJXw"));
        String ours = new String(LegacySignatureManifest.append(ImageSigner.legacySignatureTag(image), null, layer, payload).manifest(), StandardCharsets.UTF_8);

        assertThat(Sha256.of(payload)).isEqualTo("sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc");
        // cosign 1.13.1 stamped the config with the signing time (current cosign writes the zero time we write), so
        // only the config descriptor differs.
        String config = "\\{\"mediaType\":\"application/vnd.oci.image.config.v1\\+json\",\"size\":[0-9]+,\"digest\":\"sha256:[0-9a-f]{64}\"}";
        assertThat(ours.replaceFirst(config, "CONFIG")).isEqualTo(real.replaceFirst(config, "CONFIG")).contains("\"config\":CONFIG");
    }

    @Test
    void aLegacySignatureIsAnImageUnderTheSigTagWithTheSignatureInAnAnnotation() throws Exception {
        OciArtifact artifact = signer.legacySignature("localhost:5000/app", IMAGE, null);

        assertThat(artifact.tag()).isEqualTo("sha256-434cfcba528e31b703a13909aa41ceb40019ab34877fea28df0ab91d40096d2d.sig");
        JsonNode manifest = JSON.readTree(artifact.manifest());
        assertThat(fieldNames(manifest)).containsExactly("schemaVersion", "mediaType", "config", "layers");
        JsonNode layer = manifest.path("layers").get(0);
        byte[] payload = artifact.blobs().get(1);
        assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
        assertThat(layer.path("digest").asText()).isEqualTo(Sha256.of(payload));
        byte[] signature = Base64.getDecoder().decode(layer.path("annotations").path("dev.cosignproject.cosign/signature").asText());
        assertThat(key.verificationKey().verifies(payload, signature)).isTrue();
        byte[] config = artifact.blobs().get(0);
        assertThat(manifest.path("config").path("digest").asText()).isEqualTo(Sha256.of(config));
        assertThat(new String(config, StandardCharsets.UTF_8)).isEqualTo(
                "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"}],"
                        + "\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Sha256.of(payload) + "\"]},\"config\":{}}");
    }

    @Test
    void aSecondKeyAddsALayerToTheExistingSignatureManifest() throws Exception {
        OciArtifact first = signer.legacySignature("localhost:5000/app", IMAGE, null);
        SigningKey other = KeyFiles.readSigningKey(Fixtures.file("cosign-generated-empty-password.key"), PasswordSource.none());

        OciArtifact second = new ImageSigner(other).legacySignature("localhost:5000/app", IMAGE, first.manifest());

        JsonNode layers = JSON.readTree(second.manifest()).path("layers");
        assertThat(layers).hasSize(2);
        assertThat(layers.get(0)).isEqualTo(JSON.readTree(first.manifest()).path("layers").get(0));
        JsonNode config = JSON.readTree(second.blobs().get(0));
        assertThat(config.path("rootfs").path("diff_ids")).hasSize(2);
        assertThat(config.path("history")).hasSize(2);
    }

    @Test
    void signingTwiceWithTheSameKeyStoresNothingNew() {
        OciArtifact first = signer.legacySignature("localhost:5000/app", IMAGE, null);

        OciArtifact again = signer.legacySignature("localhost:5000/app", IMAGE, first.manifest());

        assertThat(again.manifest()).isEqualTo(first.manifest());
        assertThat(again.blobs()).isEmpty();
    }

    @Test
    void anExistingTagThatIsNotAManifestIsNamedInTheError() {
        assertThatThrownBy(() -> signer.legacySignature("localhost:5000/app", IMAGE, "{\"manifests\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SigningInputException.class)
                .hasMessageContaining("sha256-434cfcba528e31b703a13909aa41ceb40019ab34877fea28df0ab91d40096d2d.sig");
    }

    @Test
    void aSignatureBundleIsAReferrerShapedAsCosignV3WritesIt() throws Exception {
        OciArtifact artifact = signer.signatureBundle(IMAGE_DESCRIPTOR, CREATED);

        assertThat(artifact.isReferrer()).isTrue();
        JsonNode ours = JSON.readTree(artifact.manifest());
        JsonNode cosigns = JSON.readTree(Fixtures.bytes("cosign-3.1.1-cyclonedx-attestation.referrer.json"));
        assertThat(fieldNames(ours)).isEqualTo(fieldNames(cosigns));
        assertThat(ours.path("config")).isEqualTo(cosigns.path("config"));
        assertThat(fieldNames(ours.path("annotations"))).containsExactlyInAnyOrderElementsOf(fieldNames(cosigns.path("annotations")));
        assertThat(ours.path("annotations").path("dev.sigstore.bundle.predicateType").asText()).isEqualTo("https://sigstore.dev/cosign/sign/v1");
        assertThat(ours.path("annotations").path("org.opencontainers.image.created").asText()).isEqualTo("2026-08-20T01:33:28Z");
        assertThat(ours.path("subject")).isEqualTo(cosigns.path("subject"));
        assertThat(ours.path("artifactType")).isEqualTo(cosigns.path("artifactType"));
        assertThat(ours.path("layers").get(0).path("digest").asText()).isEqualTo(Sha256.of(ImageSigner.bundleOf(artifact)));
        assertThat(artifact.blobs().get(0)).isEqualTo("{}".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theSignatureBundleHoldsTheStatementCosignSignsInADsseEnvelopeNamingTheKey() throws Exception {
        JsonNode bundle = JSON.readTree(ImageSigner.bundleOf(signer.signatureBundle(IMAGE_DESCRIPTOR, CREATED)));

        assertThat(bundle.path("mediaType").asText()).isEqualTo("application/vnd.dev.sigstore.bundle.v0.3+json");
        assertThat(bundle.path("verificationMaterial").path("publicKey").path("hint").asText()).isEqualTo(key.verificationKey().hint());
        JsonNode envelope = bundle.path("dsseEnvelope");
        assertThat(envelope.path("payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
        byte[] payload = Base64.getDecoder().decode(envelope.path("payload").asText());
        assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(
                "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"sha256\":\"" + IMAGE.substring(7) + "\"}}],"
                        + "\"predicateType\":\"https://sigstore.dev/cosign/sign/v1\",\"predicate\":{}}");
        byte[] signature = Base64.getDecoder().decode(envelope.path("signatures").get(0).path("sig").asText());
        assertThat(key.verificationKey().verifies(Dsse.pae("application/vnd.in-toto+json", payload), signature)).isTrue();
        assertThat(key.verificationKey().verifies(payload, signature)).as("DSSE signs the PAE, never the bare payload").isFalse();
    }

    @Test
    void thePreAuthenticationEncodingIsTheSpecsExample() {
        // The example of the DSSE v1 protocol document.
        assertThat(new String(Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    @Test
    void anAttestationCarriesThePredicateAndItsType() throws Exception {
        byte[] bom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}".getBytes(StandardCharsets.UTF_8);

        OciArtifact artifact = signer.attestationBundle(IMAGE_DESCRIPTOR, "localhost:5000/app", PredicateTypes.resolve("cyclonedx"), bom, "bom.json", CREATED);

        JsonNode bundle = JSON.readTree(ImageSigner.bundleOf(artifact));
        JsonNode statement = JSON.readTree(Base64.getDecoder().decode(bundle.path("dsseEnvelope").path("payload").asText()));
        assertThat(statement.path("predicateType").asText()).isEqualTo("https://cyclonedx.org/bom");
        assertThat(statement.path("predicate")).isEqualTo(JSON.readTree(bom));
        assertThat(statement.path("subject").get(0).path("name").asText()).isEqualTo("localhost:5000/app");
        assertThat(JSON.readTree(artifact.manifest()).path("annotations").path("dev.sigstore.bundle.predicateType").asText())
                .isEqualTo("https://cyclonedx.org/bom");
    }

    @Test
    void aBundleMadeElsewhereIsStoredAsCosignStoresItsOwnWithTheStatementWeWouldSign() throws Exception {
        byte[] bom = "{\"bomFormat\":\"CycloneDX\"}".getBytes(StandardCharsets.UTF_8);
        OciArtifact ours = signer.attestationBundle(IMAGE_DESCRIPTOR, "localhost:5000/app", PredicateTypes.CYCLONEDX, bom, "bom.json", CREATED);
        byte[] foreign = Fixtures.bytes("cosign-3.1.1-cyclonedx-attestation.sigstore.json");

        OciArtifact referrer = ImageSigner.bundleReferrer(IMAGE_DESCRIPTOR, foreign, PredicateTypes.CYCLONEDX, CREATED);

        assertThat(ImageSigner.bundleOf(referrer)).isEqualTo(foreign);
        assertThat(fieldNames(JSON.readTree(referrer.manifest()))).isEqualTo(fieldNames(JSON.readTree(ours.manifest())));
        byte[] signed = Base64.getDecoder().decode(JSON.readTree(ImageSigner.bundleOf(ours)).path("dsseEnvelope").path("payload").asText());
        assertThat(ImageSigner.statement("localhost:5000/app", IMAGE, PredicateTypes.CYCLONEDX, bom, "bom.json")).isEqualTo(signed);
    }

    @Test
    void aPredicateThatIsNotAJsonObjectIsRefusedNamingTheFile() {
        assertThatThrownBy(() -> signer.attestationBundle(IMAGE_DESCRIPTOR, null, PredicateTypes.CYCLONEDX, "[1]".getBytes(StandardCharsets.UTF_8), "bom.json", CREATED))
                .isInstanceOf(SigningInputException.class).hasMessageStartingWith("bom.json: the predicate is not a JSON object");
        assertThatThrownBy(() -> signer.attestationBundle(IMAGE_DESCRIPTOR, null, PredicateTypes.CYCLONEDX, "<bom/>".getBytes(StandardCharsets.UTF_8), "bom.xml", CREATED))
                .isInstanceOf(SigningInputException.class).hasMessageStartingWith("bom.xml: the predicate is not valid JSON");
    }

    @Test
    void predicateTypesAreCosignsNamesOrAbsoluteUris() {
        assertThat(PredicateTypes.resolve("slsaprovenance")).isEqualTo("https://slsa.dev/provenance/v1");
        assertThat(PredicateTypes.resolve("https://example.com/review/v1")).isEqualTo("https://example.com/review/v1");
        assertThatThrownBy(() -> PredicateTypes.resolve("sbom")).isInstanceOf(SigningInputException.class).hasMessageContaining("cyclonedx");
    }

    @Test
    void digestsThatAreNotSha256AreRefused() {
        assertThatThrownBy(() -> ImageSigner.legacySignatureTag("latest")).isInstanceOf(SigningInputException.class)
                .hasMessageContaining("not a sha256 image digest");
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
