package io.jenkins.plugins.securedelivery.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real single-layer OCI image made from the repository's demo/sample-app files: a reproducible layer tar.gz, an
 * image config naming the layer's diff_id, and an OCI manifest. For tests and the round-trip benchmark.
 */
public record SampleImage(byte[] layer, byte[] config, byte[] manifest) {

    public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

    /** The image of the files under {@code demo/sample-app} of this repository. */
    public static SampleImage ofDemoApp() throws IOException {
        Path app = Path.of("..", "demo", "sample-app").toAbsolutePath().normalize();
        if (!Files.isDirectory(app)) {
            app = Path.of("demo", "sample-app").toAbsolutePath();
        }
        return of(app);
    }

    /** The image the product builds from {@code directory} (ImageFromFiles), as bytes the tests can inspect. */
    public static SampleImage of(Path directory) throws IOException {
        ImageFromFiles.Built built = new ImageFromFiles(directory).build();
        return new SampleImage(built.layer(), built.config(), built.manifest());
    }

    public String digest() {
        return ContentDigest.of(manifest);
    }

    /** Pushes blobs then the manifest under {@code reference}'s tag; returns the manifest's descriptor. */
    public Descriptor pushTo(OciStore store, ImageReference reference) throws IOException {
        store.pushBlob(reference.repositoryReference(), layer);
        store.pushBlob(reference.repositoryReference(), config);
        return store.pushManifest(reference, manifest, MANIFEST_TYPE);
    }

    /**
     * A cosign-v3-shaped referrer: an OCI 1.1 manifest with {@code artifactType}, the empty config, one layer, and
     * {@code subject} = this image. Its layer and {@link #EMPTY} must be pushed first.
     */
    public byte[] referrer(String artifactType, byte[] layerContent, String layerType) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_TYPE + "\",\"artifactType\":\"" + artifactType + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + ContentDigest.of(EMPTY)
                + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"" + layerType + "\",\"digest\":\"" + ContentDigest.of(layerContent) + "\",\"size\":"
                + layerContent.length + "}],"
                + "\"subject\":{\"mediaType\":\"" + MANIFEST_TYPE + "\",\"digest\":\"" + digest() + "\",\"size\":" + manifest.length + "},"
                + "\"annotations\":{\"org.opencontainers.image.created\":\"2026-11-24T00:00:00Z\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The OCI empty descriptor's content, {@code {}}. */
    public static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);
}
