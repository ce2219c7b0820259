package io.jenkins.plugins.securedelivery.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.LocalRegistry;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.oci.OciStore;
import io.jenkins.plugins.securedelivery.oci.RegistryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing, attesting and verifying images where they live: a real docker-registry (TLS, basic auth) and an OCI layout. */
class ImageSignaturesTest {

    static final Path SAMPLE_APP = Path.of("../demo/sample-app").toAbsolutePath().normalize();
    static final Instant NOW = Instant.parse("2026-11-24T01:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private KeyFiles.GeneratedKeyPair keys(String name) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        return KeyFiles.generate(dir, "cosign", PasswordSource.of("correct horse".toCharArray()));
    }

    private SigningKey signingKey(KeyFiles.GeneratedKeyPair pair) {
        return KeyFiles.readSigningKey(pair.privateKeyFile(), PasswordSource.of("correct horse".toCharArray()));
    }

    private static byte[] sbom() {
        return "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":[]}".getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signsAttestsAndVerifiesAnImageInARegistryWithTlsAndBasicAuth() throws Exception {
        try (LocalRegistry registry = LocalRegistry.tlsWithBasicAuth(temp.resolve("registry"), "ci", "s3cret-pass")) {
            RegistryStore store = new RegistryStore(registry.options().withCredentials("ci", "s3cret-pass"));
            ImageReference image = registry.reference("medical-platform:1.4.0");
            Descriptor pushed = new ImageFromFiles(SAMPLE_APP).push(store, image);
            KeyFiles.GeneratedKeyPair keys = keys("keys");
            ImageSignatures signatures = new ImageSignatures(store);

            ImageSignatures.Stored signed = signatures.sign(image, signingKey(keys), ImageSignatures.allFormats(), NOW);
            signatures.attest(image, signingKey(keys), PredicateTypes.CYCLONEDX, sbom(), "bom.json", NOW);
            VerificationReport report = signatures.verify(image, keys.verificationKey(), Set.of(PredicateTypes.CYCLONEDX));

            assertThat(signed.imageDigest()).as("the tag is resolved once, to the pushed digest").isEqualTo(pushed.digest());
            assertThat(signed.locations()).hasSize(2).first().asString().endsWith(ImageSigner.legacySignatureTag(pushed.digest()));
            assertThat(report.passed()).as(report.summary()).isTrue();
            assertThat(report.items()).extracting(VerifiedItem::kind).containsExactlyInAnyOrder(
                    VerifiedItem.Kind.LEGACY_SIGNATURE, VerifiedItem.Kind.SIGNATURE_BUNDLE, VerifiedItem.Kind.ATTESTATION);
        }
    }

    @Test
    void theStoredShapesAreCosignsAsSkopeoReadsThemBack() throws Exception {
        try (LocalRegistry registry = LocalRegistry.plainHttp(temp.resolve("registry"))) {
            RegistryStore store = new RegistryStore(registry.options());
            ImageReference image = registry.reference("medical-platform:1.4.0");
            Descriptor pushed = new ImageFromFiles(SAMPLE_APP).push(store, image);
            KeyFiles.GeneratedKeyPair keys = keys("keys");
            new ImageSignatures(store).sign(image, signingKey(keys), ImageSignatures.allFormats(), NOW);

            JsonNode legacy = JSON.readTree(skopeoRaw(registry.host() + "/medical-platform:" + ImageSigner.legacySignatureTag(pushed.digest())));
            JsonNode index = JSON.readTree(skopeoRaw(registry.host() + "/medical-platform:" + pushed.digest().replace(':', '-')));

            assertThat(legacy.path("layers").get(0).path("mediaType").asText()).isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
            assertThat(legacy.path("layers").get(0).path("annotations").has("dev.cosignproject.cosign/signature")).isTrue();
            assertThat(index.path("manifests")).singleElement().satisfies(referrer -> {
                assertThat(referrer.path("artifactType").asText()).isEqualTo("application/vnd.dev.sigstore.bundle.v0.3+json");
            });
            String referrerDigest = index.path("manifests").get(0).path("digest").asText();
            JsonNode bundleManifest = JSON.readTree(skopeoRaw(registry.host() + "/medical-platform@" + referrerDigest));
            assertThat(bundleManifest.path("subject").path("digest").asText()).isEqualTo(pushed.digest());
            assertThat(bundleManifest.path("config").path("mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
        }
    }

    @Test
    void anotherKeyAMissingAttestationAndNothingAtAllNeverPass() throws Exception {
        OciStore store = new OciLayoutStore(temp.resolve("layout"));
        ImageReference image = ImageReference.parse("localhost/medical-platform:1.4.0");
        new ImageFromFiles(SAMPLE_APP).push(store, image);
        ImageSignatures signatures = new ImageSignatures(store);
        KeyFiles.GeneratedKeyPair ours = keys("ours");
        KeyFiles.GeneratedKeyPair theirs = keys("theirs");

        VerificationReport unsigned = signatures.verify(image, ours.verificationKey(), Set.of());
        signatures.sign(image, signingKey(theirs), ImageSignatures.allFormats(), NOW);
        VerificationReport wrongKey = signatures.verify(image, ours.verificationKey(), Set.of());
        VerificationReport noSbom = signatures.verify(image, theirs.verificationKey(), Set.of(PredicateTypes.CYCLONEDX));

        assertThat(unsigned.passed()).isFalse();
        assertThat(unsigned.reasons()).anySatisfy(r -> assertThat(r).contains("no signature or attestation was found"));
        assertThat(wrongKey.passed()).as(wrongKey.summary()).isFalse();
        assertThat(noSbom.passed()).isFalse();
        assertThat(noSbom.reasons()).anySatisfy(r -> assertThat(r).contains("required attestation https://cyclonedx.org/bom is missing"));
    }

    @Test
    void aSignatureCopiedOntoAnotherImageFails() throws Exception {
        OciStore store = new OciLayoutStore(temp.resolve("layout"));
        ImageReference good = ImageReference.parse("localhost/medical-platform:good");
        ImageReference evil = ImageReference.parse("localhost/medical-platform:evil");
        Descriptor goodImage = new ImageFromFiles(SAMPLE_APP).push(store, good);
        Descriptor evilImage = new ImageFromFiles(SAMPLE_APP.resolve("web")).push(store, evil);
        KeyFiles.GeneratedKeyPair keys = keys("keys");
        new ImageSignatures(store).sign(good, signingKey(keys), Set.of(ImageSignatures.Format.LEGACY), NOW);
        byte[] goodSignature = store.manifest(good.withTag(ImageSigner.legacySignatureTag(goodImage.digest()))).orElseThrow().bytes();
        store.pushManifest(evil.withTag(ImageSigner.legacySignatureTag(evilImage.digest())), goodSignature, ImageSigner.MANIFEST_MEDIA_TYPE);

        VerificationReport report = new ImageSignatures(store).verify(evil, keys.verificationKey(), Set.of());

        assertThat(report.passed()).as(report.summary()).isFalse();
        assertThat(report.items()).anySatisfy(i -> assertThat(i.status()).isEqualTo(VerifiedItem.Status.FAILED));
    }

    @Test
    void signingTwiceStoresNothingNew() throws Exception {
        OciStore store = new OciLayoutStore(temp.resolve("layout"));
        ImageReference image = ImageReference.parse("localhost/medical-platform:1.4.0");
        Descriptor pushed = new ImageFromFiles(SAMPLE_APP).push(store, image);
        SigningKey key = signingKey(keys("keys"));
        ImageSignatures signatures = new ImageSignatures(store);

        signatures.sign(image, key, Set.of(ImageSignatures.Format.LEGACY), NOW);
        byte[] first = store.manifest(image.withTag(ImageSigner.legacySignatureTag(pushed.digest()))).orElseThrow().bytes();
        signatures.sign(image, key, Set.of(ImageSignatures.Format.LEGACY), NOW);
        byte[] second = store.manifest(image.withTag(ImageSigner.legacySignatureTag(pushed.digest()))).orElseThrow().bytes();

        assertThat(second).isEqualTo(first);
        assertThat(JSON.readTree(second).path("layers")).hasSize(1);
    }

    private static byte[] skopeoRaw(String reference) throws Exception {
        Process process = new ProcessBuilder("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference)
                .redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        return out;
    }
}
