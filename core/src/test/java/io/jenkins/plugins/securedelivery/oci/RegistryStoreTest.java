package io.jenkins.plugins.securedelivery.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RegistryStore against a real docker-registry 2.8.2 over plain HTTP (a registry without the referrers API). */
class RegistryStoreTest {

    static final String BUNDLE_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    @TempDir
    static Path temp;
    static LocalRegistry registry;
    static SampleImage image;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.plainHttp(temp.resolve("registry"));
        image = SampleImage.ofDemoApp();
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void pushesAnImageBuiltFromFilesAndPullsItBackByTheDigestItsTagResolvesTo() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        ImageReference tagged = registry.reference("demo/app:1.0");

        Descriptor pushed = image.pushTo(store, tagged);
        Descriptor resolved = store.resolve(tagged);

        assertThat(resolved.digest()).isEqualTo(pushed.digest()).isEqualTo(image.digest());
        assertThat(resolved.mediaType()).isEqualTo(SampleImage.MANIFEST_TYPE);
        assertThat(resolved.size()).isEqualTo(image.manifest().length);
        Manifest pulled = store.manifest(tagged.withDigest(resolved.digest())).orElseThrow();
        assertThat(pulled.bytes()).isEqualTo(image.manifest());
        assertThat(store.blob(tagged, ContentDigest.of(image.layer()))).isEqualTo(image.layer());
        assertThat(skopeoRaw(tagged)).isEqualTo(image.manifest());
    }

    @Test
    void findsReferrersThroughTheTagSchemaFallbackIndexOnARegistryWithoutTheReferrersApi() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        ImageReference subject = registry.reference("demo/signed:1.0").withDigest(image.pushTo(store, registry.reference("demo/signed:1.0")).digest());
        byte[] bundle = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}".getBytes(StandardCharsets.UTF_8);
        byte[] statement = "{\"_type\":\"https://in-toto.io/Statement/v1\"}".getBytes(StandardCharsets.UTF_8);
        store.pushBlob(subject, SampleImage.EMPTY);
        store.pushBlob(subject, bundle);
        store.pushBlob(subject, statement);
        byte[] signature = image.referrer(BUNDLE_TYPE, bundle, BUNDLE_TYPE);
        byte[] attestation = image.referrer("application/vnd.in-toto+json", statement, "application/vnd.in-toto+json");

        Descriptor signed = store.pushReferrer(subject, signature, SampleImage.MANIFEST_TYPE);
        store.pushReferrer(subject, attestation, SampleImage.MANIFEST_TYPE);
        store.pushReferrer(subject, signature, SampleImage.MANIFEST_TYPE); // again: idempotent

        assertThat(store.referrers(subject, null)).extracting(Descriptor::artifactType)
                .containsExactly(BUNDLE_TYPE, "application/vnd.in-toto+json");
        assertThat(store.referrers(subject, BUNDLE_TYPE)).singleElement().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(signed.digest()).isEqualTo(ContentDigest.of(signature));
            assertThat(d.mediaType()).isEqualTo(SampleImage.MANIFEST_TYPE);
            assertThat(d.size()).isEqualTo(signature.length);
            assertThat(d.annotations()).containsEntry("org.opencontainers.image.created", "2026-11-24T00:00:00Z");
        });
        // What the registry stores, read by another client: an OCI index under the sha256-<hex> tag ...
        String index = new String(skopeoRaw(subject.withTag(subject.digest().replace(':', '-'))), StandardCharsets.UTF_8);
        assertThat(index).contains("\"mediaType\":\"application/vnd.oci.image.index.v1+json\"")
                .contains("\"artifactType\":\"" + BUNDLE_TYPE + "\"").contains(signed.digest());
        // ... and the referrer itself by digest, byte for byte, subject and all.
        assertThat(skopeoRaw(subject.withDigest(signed.digest()))).isEqualTo(signature);
    }

    @Test
    void aSubjectNothingRefersToHasNoReferrers() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        ImageReference subject = registry.reference("demo/unsigned:1.0");
        subject = subject.withDigest(image.pushTo(store, subject).digest());

        assertThat(store.referrers(subject, null)).isEmpty();
    }

    @Test
    void asksForTheReferrersApiOnceThenGoesStraightToTheFallbackTag() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        ImageReference subject = registry.reference("demo/app:1.0").withDigest(image.pushTo(store, registry.reference("demo/app:1.0")).digest());
        store.referrers(subject, null);

        long before = store.requests();
        store.referrers(subject, null);

        assertThat(store.requests() - before).as("one GET of the fallback tag").isEqualTo(1);
    }

    @Test
    void doesNotUploadABlobTheRepositoryHasAlready() throws Exception {
        ImageReference repository = registry.reference("demo/blobs:1");
        byte[] layer = new byte[256 * 1024];
        new java.util.Random(7).nextBytes(layer);
        new RegistryStore(registry.options()).pushBlob(repository, layer);
        RegistryStore fresh = new RegistryStore(registry.options());

        String digest = fresh.pushBlob(repository, layer);

        assertThat(fresh.requests()).as("HEAD only: a large blob is asked about before it is sent").isEqualTo(1);
        assertThat(digest).isEqualTo(ContentDigest.of(layer));
    }

    @Test
    void uploadsASmallBlobAtOnceAndNeverTwice() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        ImageReference repository = registry.reference("demo/blobs:1");
        byte[] signature = "once".getBytes(StandardCharsets.UTF_8);

        store.pushBlob(repository, signature);
        long afterFirst = store.requests();
        store.pushBlob(repository, signature);

        assertThat(afterFirst).as("POST, PUT: small blobs are almost always new, asking first would cost a HEAD").isEqualTo(2);
        assertThat(store.requests() - afterFirst).as("nothing: this client pushed it").isZero();
    }

    @Test
    void anUnknownTagOrRepositoryIsNotFoundNamingTheReference() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        image.pushTo(store, registry.reference("demo/app:1.0"));

        assertThatThrownBy(() -> store.resolve(registry.reference("demo/app:no-such-tag")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining(registry.host() + "/demo/app:no-such-tag").hasMessageContaining("push it first");
        assertThat(store.manifest(registry.reference("no/such-repo:1.0"))).isEmpty();
        assertThatThrownBy(() -> store.blob(registry.reference("demo/app:1.0"), ContentDigest.of(new byte[] {42})))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("BLOB_UNKNOWN");
    }

    @Test
    void refusesABlobWhoseContentDoesNotMatchItsDigest() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());
        ImageReference repository = registry.reference("demo/tampered:1");
        byte[] content = "original content".getBytes(StandardCharsets.UTF_8);
        String digest = store.pushBlob(repository, content);
        String hex = digest.substring("sha256:".length());
        Path data = registry.storage().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
        Files.writeString(data, "altered content!");

        assertThatThrownBy(() -> store.blob(repository, digest))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("does not match its digest").hasMessageContaining(digest);
    }

    @Test
    void aClientErrorIsAnsweredAtOnceWithoutRetrying() throws Exception {
        RegistryStore store = new RegistryStore(registry.options().withRetries(3, Duration.ofMillis(10)));
        ImageReference reference = registry.reference("demo/incomplete:1.0");
        long before = store.requests();

        // The manifest names blobs that were never pushed: the registry answers 400 MANIFEST_BLOB_UNKNOWN.
        assertThatThrownBy(() -> store.pushManifest(reference, image.manifest(), SampleImage.MANIFEST_TYPE))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("MANIFEST_BLOB_UNKNOWN").hasMessageContaining(reference.toString());
        assertThat(store.requests() - before).isEqualTo(1);
        assertThat(registry.requestsLogged()).filteredOn(line -> line.contains("/v2/demo/incomplete/manifests/")).hasSize(1);
    }

    @Test
    void anUnreachableRegistryIsRetriedThenNamedWithWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RegistryStore store = new RegistryStore(RegistryStore.Options.defaults().withPlainHttp().withRetries(2, Duration.ofMillis(10)));

        assertThatThrownBy(() -> store.resolve(ImageReference.parse("127.0.0.1:" + closedPort + "/demo/app:1.0")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isZero())
                .hasMessageContaining("Cannot reach registry 127.0.0.1:" + closedPort)
                .hasMessageContaining("after 3 attempts").hasMessageContaining("check the address");
        assertThat(store.requests()).isEqualTo(3);
    }

    static byte[] skopeoRaw(ImageReference reference) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed (apt-get install skopeo; ./run-tests does)");
        List<String> command = new ArrayList<>(List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference));
        Path out = Files.createTempFile(temp, "skopeo", ".out");
        Path err = Files.createTempFile(temp, "skopeo", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("skopeo finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(err)).isZero();
        return Files.readAllBytes(out);
    }
}
