package io.jenkins.plugins.securedelivery.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.LocalRegistry;
import io.jenkins.plugins.securedelivery.oci.RegistryStore;
import io.jenkins.plugins.securedelivery.oci.SampleImage;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evidence bundles pushed beside their image to Debian's docker-registry (no referrers API: the tag-schema fallback). */
class EvidenceStoreTest {

    @TempDir
    static Path temp;
    static LocalRegistry registry;
    static SampleImage image;
    static SigningKey key;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.plainHttp(temp.resolve("registry"));
        image = SampleImage.ofDemoApp();
        key = EvidenceFixtures.cosignKey();
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private byte[] bundleFor(ImageReference pinned, Path dir) throws Exception {
        Path workspace = EvidenceFixtures.workspace(dir.resolve("workspace"));
        EvidenceBundle.Request template = EvidenceFixtures.request(workspace);
        EvidenceBundle.Request request = new EvidenceBundle.Request(pinned, template.sourceRepository(), template.sourceCommit(),
                template.runUrl(), template.created(), template.files(), template.gates(), template.approvals());
        return Files.readAllBytes(EvidenceBundle.create(request, key, dir.resolve("evidence.zip")).bundle());
    }

    @Test
    void aBundlePushedAsAnArtifactReferringToTheImageIsFoundPulledBackAndVerifies() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        ImageReference tagged = registry.reference("demo/app:1.0");
        ImageReference pinned = tagged.withDigest(image.pushTo(store, tagged).digest());
        byte[] bundle = bundleFor(pinned, Files.createDirectories(temp.resolve("one")));

        EvidenceStore.Pushed pushed = new EvidenceStore(store).push(null, bundle, "evidence.zip");
        EvidenceStore.Pushed again = new EvidenceStore(store).push(pinned, bundle, "evidence.zip");
        List<Descriptor> found = new EvidenceStore(store).list(pinned);
        byte[] pulled = new EvidenceStore(store).pull(pinned, found.get(0).digest());

        assertThat(pushed.image()).isEqualTo(pinned);
        assertThat(again.location()).isEqualTo(pushed.location());
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.artifactType()).isEqualTo(EvidenceStore.ARTIFACT_TYPE);
            assertThat(pushed.location()).endsWith("@" + d.digest());
        });
        assertThat(pulled).isEqualTo(bundle);
        EvidenceReport report = EvidenceBundle.verify("pulled", pulled, key.verificationKey(), pinned);
        assertThat(report.passed()).as(report.summary()).isTrue();
        JsonNode artifact = new ObjectMapper().readTree(store.manifest(pinned.withDigest(found.get(0).digest())).orElseThrow().bytes());
        assertThat(artifact.path("subject").path("digest").asText()).isEqualTo(pinned.digest());
        assertThat(artifact.path("layers").get(0).path("mediaType").asText()).isEqualTo(EvidenceStore.ARTIFACT_TYPE);
        assertThat(artifact.path("annotations").path("org.opencontainers.image.created").asText()).isEqualTo("2026-11-24T01:02:03Z");
        String fallbackTag = "sha256-" + pinned.digest().substring("sha256:".length());
        assertThat(store.manifest(pinned.repositoryReference().withTag(fallbackTag))).as("the tag-schema fallback index").isPresent();
    }

    @Test
    void aBundleAboutAnotherImageIsNotPushedToThisOne() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        ImageReference tagged = registry.reference("demo/other:1.0");
        ImageReference pinned = tagged.withDigest(image.pushTo(store, tagged).digest());
        byte[] bundle = bundleFor(EvidenceFixtures.IMAGE, Files.createDirectories(temp.resolve("two")));

        assertThatThrownBy(() -> new EvidenceStore(store).push(pinned, bundle, "evidence.zip"))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining(EvidenceFixtures.IMAGE.digest());
        assertThatThrownBy(() -> new EvidenceStore(store).push(null, "not a zip".getBytes(), "notes.txt"))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("notes.txt: this is not an evidence bundle");
        assertThat(new EvidenceStore(store).list(pinned)).isEmpty();
    }
}
