package io.jenkins.plugins.securedelivery.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds a one-layer OCI image from a directory and pushes it: the "build once" of the flow for a sample or a
 * static application. The image is reproducible: entries sorted, owned by root, dated at the epoch, so the same files
 * give the same digest on every machine.
 */
public final class ImageFromFiles {

    public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private String prefix = "app/";
    private List<String> entrypoint = List.of();

    public ImageFromFiles(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Where the files go inside the image; "app/" by default. */
    public ImageFromFiles at(String pathInImage) {
        this.prefix = pathInImage.endsWith("/") ? pathInImage : pathInImage + "/";
        return this;
    }

    public ImageFromFiles entrypoint(List<String> command) {
        this.entrypoint = List.copyOf(command);
        return this;
    }

    /** The image as bytes: its one gzip layer, its configuration and its manifest (whose digest is the image's). */
    public record Built(byte[] layer, byte[] config, byte[] manifest) {
        public String digest() {
            return ContentDigest.of(manifest);
        }
    }

    /** Builds the image without storing it. */
    public Built build() throws IOException {
        byte[] tar = layerTar();
        byte[] layer = gzip(tar);

        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        ObjectNode runtime = config.putObject("config");
        runtime.put("WorkingDir", "/" + prefix);
        if (!entrypoint.isEmpty()) {
            ArrayNode command = runtime.putArray("Entrypoint");
            entrypoint.forEach(command::add);
        }
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add(ContentDigest.of(tar));
        byte[] configBytes = JSON.writeValueAsBytes(config);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.set("config", descriptor(CONFIG_TYPE, ContentDigest.of(configBytes), configBytes.length));
        manifest.putArray("layers").add(descriptor(LAYER_TYPE, ContentDigest.of(layer), layer.length));
        return new Built(layer, configBytes, JSON.writeValueAsBytes(manifest));
    }

    /** Pushes the layer, the configuration and the manifest; tags the manifest when {@code target} has a tag. */
    public Descriptor push(OciStore store, ImageReference target) throws IOException {
        Built image = build();
        store.pushBlob(target, image.layer());
        store.pushBlob(target, image.config());
        return store.pushManifest(target, image.manifest(), MANIFEST_TYPE);
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode node = JSON.createObjectNode();
        node.put("mediaType", mediaType);
        node.put("digest", digest);
        node.put("size", size);
        return node;
    }

    private byte[] layerTar() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().forEach(files::add);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path file : files) {
                String name = prefix + directory.relativize(file).toString().replace('\\', '/');
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(Files.size(file));
                entry.setMode(Files.isExecutable(file) ? 0755 : 0644);
                entry.setModTime(0);
                entry.setIds(0, 0);
                entry.setNames("root", "root");
                tar.putArchiveEntry(entry);
                Files.copy(file, tar);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // Java writes a zero mtime and no file name into the gzip header: the same tar gives the same bytes.
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(content);
        }
        return bytes.toByteArray();
    }
}
