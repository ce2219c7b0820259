package io.jenkins.plugins.securedelivery.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OciLayoutStore as a local registry, read and written by skopeo too. */
class OciLayoutStoreTest {

    static final String BUNDLE_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    @TempDir
    Path temp;

    @Test
    void storesAnImageUnderATagThatSkopeoCopiesToARegistryUnchanged() throws Exception {
        Path layout = temp.resolve("layout");
        OciLayoutStore store = new OciLayoutStore(layout);
        SampleImage image = SampleImage.ofDemoApp();
        Descriptor stored = image.pushTo(store, ImageReference.parse("localhost/demo/app:1.0"));

        try (LocalRegistry registry = LocalRegistry.plainHttp(temp.resolve("registry"))) {
            skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":1.0", "docker://" + registry.host() + "/demo/app:1.0");

            Descriptor copied = new RegistryStore(registry.options()).resolve(registry.reference("demo/app:1.0"));
            assertThat(copied.digest()).isEqualTo(stored.digest()).isEqualTo(image.digest());
        }
    }

    @Test
    void readsALayoutSkopeoWroteFromARegistry() throws Exception {
        SampleImage image = SampleImage.ofDemoApp();
        Path layout = temp.resolve("from-skopeo");
        try (LocalRegistry registry = LocalRegistry.plainHttp(temp.resolve("registry"))) {
            image.pushTo(new RegistryStore(registry.options()), registry.reference("demo/app:1.0"));
            skopeo("copy", "--src-tls-verify=false", "docker://" + registry.host() + "/demo/app:1.0", "oci:" + layout + ":release");
        }
        OciLayoutStore store = new OciLayoutStore(layout);
        ImageReference release = ImageReference.parse("localhost/demo/app:release");

        Descriptor resolved = store.resolve(release);

        assertThat(resolved.digest()).isEqualTo(image.digest());
        assertThat(store.manifest(release).orElseThrow().bytes()).isEqualTo(image.manifest());
        assertThat(store.blob(release, ContentDigest.of(image.layer()))).isEqualTo(image.layer());
    }

    @Test
    void findsAReferrerByItsSubjectAndKeepsTheLayoutReadableBySkopeo() throws Exception {
        Path layout = temp.resolve("layout");
        OciLayoutStore store = new OciLayoutStore(layout);
        SampleImage image = SampleImage.ofDemoApp();
        ImageReference subject = ImageReference.parse("localhost/demo/app:1.0");
        subject = subject.withDigest(image.pushTo(store, subject).digest());
        byte[] bundle = "{}{}".getBytes(StandardCharsets.UTF_8);
        store.pushBlob(subject, SampleImage.EMPTY);
        store.pushBlob(subject, bundle);
        byte[] referrer = image.referrer(BUNDLE_TYPE, bundle, BUNDLE_TYPE);

        Descriptor pushed = store.pushReferrer(subject, referrer, SampleImage.MANIFEST_TYPE);
        store.pushReferrer(subject, referrer, SampleImage.MANIFEST_TYPE);

        assertThat(store.referrers(subject, BUNDLE_TYPE)).singleElement().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(pushed.digest());
            assertThat(d.artifactType()).isEqualTo(BUNDLE_TYPE);
        });
        assertThat(store.referrers(subject, "application/vnd.other")).isEmpty();
        assertThat(skopeoOutput("inspect", "--raw", "oci:" + layout + ":1.0")).isEqualTo(new String(image.manifest(), StandardCharsets.UTF_8));
        // The referrer is listed untagged in index.json, as oras-go lists what it pushes.
        assertThat(Files.readString(layout.resolve("index.json"))).contains(pushed.digest()).contains("\"artifactType\":\"" + BUNDLE_TYPE + "\"");
    }

    @Test
    void findsReferrersListedInAFallbackTagIndexCopiedFromARegistry() throws Exception {
        Path layout = temp.resolve("layout");
        OciLayoutStore store = new OciLayoutStore(layout);
        SampleImage image = SampleImage.ofDemoApp();
        ImageReference subject = ImageReference.parse("localhost/demo/app:1.0");
        subject = subject.withDigest(image.pushTo(store, subject).digest());
        Descriptor listed = new Descriptor(SampleImage.MANIFEST_TYPE, "sha256:" + "cd".repeat(32), 123, BUNDLE_TYPE, java.util.Map.of());
        byte[] index = ReferrersIndex.with(null, listed, "test index");
        store.pushManifest(subject.withTag(subject.digest().replace(':', '-')), index, ReferrersIndex.OCI_INDEX);

        assertThat(store.referrers(subject, null)).containsExactly(listed);
    }

    @Test
    void aTagPointsToTheLastManifestStoredUnderItAndNoTemporaryFileStays() throws Exception {
        Path layout = temp.resolve("layout");
        OciLayoutStore store = new OciLayoutStore(layout);
        ImageReference tag = ImageReference.parse("localhost/demo/app:latest");
        byte[] first = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"annotations\":{\"a\":\"b\"}}"
                .getBytes(StandardCharsets.UTF_8);

        store.pushManifest(tag, first, ReferrersIndex.OCI_INDEX);
        store.pushManifest(tag, second, ReferrersIndex.OCI_INDEX);

        assertThat(store.resolve(tag).digest()).isEqualTo(ContentDigest.of(second));
        assertThat(Files.readString(layout.resolve("index.json"))).doesNotContain(ContentDigest.of(first));
        try (Stream<Path> files = Files.walk(layout)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
        }
    }

    @Test
    void anUnknownTagIsNotFoundListingTheTagsThereAre() throws Exception {
        OciLayoutStore store = new OciLayoutStore(temp.resolve("layout"));
        SampleImage.ofDemoApp().pushTo(store, ImageReference.parse("localhost/demo/app:1.0"));

        assertThatThrownBy(() -> store.resolve(ImageReference.parse("localhost/demo/app:2.0")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("demo/app:2.0").hasMessageContaining("[1.0]");
        assertThat(store.manifest(ImageReference.parse("localhost/demo/app:2.0"))).isEmpty();
    }

    @Test
    void anAlteredBlobIsRefused() throws Exception {
        Path layout = temp.resolve("layout");
        OciLayoutStore store = new OciLayoutStore(layout);
        ImageReference repository = ImageReference.parse("localhost/demo/app:1.0");
        String digest = store.pushBlob(repository, "original".getBytes(StandardCharsets.UTF_8));
        Files.writeString(layout.resolve("blobs/sha256/" + digest.substring(7)), "altered");

        assertThatThrownBy(() -> store.blob(repository, digest)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("does not match its digest " + digest);
    }

    private void skopeo(String... args) throws IOException, InterruptedException {
        skopeoOutput(args);
    }

    private String skopeoOutput(String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed (apt-get install skopeo; ./run-tests does)");
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(temp, "skopeo", ".out");
        Path err = Files.createTempFile(temp, "skopeo", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("skopeo finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(err)).isZero();
        return Files.readString(out);
    }
}
