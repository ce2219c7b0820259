package io.jenkins.plugins.securedelivery.sbom.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds real image layouts and tars, as skopeo and docker write them, for the tests. */
public final class ImageFixture {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One layer's tar, built entry by entry. */
    public static final class Layer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar;

        public Layer() {
            tar = new TarArchiveOutputStream(bytes);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        public Layer dir(String name) throws IOException {
            tar.putArchiveEntry(new TarArchiveEntry(name.endsWith("/") ? name : name + "/"));
            tar.closeArchiveEntry();
            return this;
        }

        public Layer file(String name, String content) throws IOException {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        public Layer file(String name, byte[] content) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            return this;
        }

        public Layer symlink(String name, String target) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
            entry.setLinkName(target);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        }

        public Layer hardLink(String name, String target) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
            entry.setLinkName(target);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        }

        byte[] tar() throws IOException {
            tar.finish();
            return bytes.toByteArray();
        }
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An image: its layers' uncompressed tars, each stored gzip-compressed or not. */
    public static final class Image {
        final List<byte[]> tars = new ArrayList<>();
        boolean gzipLayers = true;
        String os = "linux";
        String architecture = "amd64";

        public Image layer(Layer layer) throws IOException {
            tars.add(layer.tar());
            return this;
        }

        Image layerTar(byte[] tar) {
            tars.add(tar);
            return this;
        }

        byte[] config() throws IOException {
            ObjectNode config = JSON.createObjectNode();
            config.put("architecture", architecture);
            config.put("os", os);
            ObjectNode rootfs = config.putObject("rootfs");
            rootfs.put("type", "layers");
            ArrayNode diffIds = rootfs.putArray("diff_ids");
            tars.forEach(tar -> diffIds.add(sha256(tar)));
            return JSON.writeValueAsBytes(config);
        }

        List<byte[]> blobs() throws IOException {
            List<byte[]> blobs = new ArrayList<>();
            for (byte[] tar : tars) {
                blobs.add(gzipLayers ? gzip(tar) : tar);
            }
            return blobs;
        }

        /** The OCI manifest; writes config and layer blobs into {@code blobs}. */
        byte[] manifest(Map<String, byte[]> blobs) throws IOException {
            byte[] config = config();
            blobs.put(sha256(config), config);
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", config));
            ArrayNode layers = manifest.putArray("layers");
            for (byte[] blob : blobs()) {
                blobs.put(sha256(blob), blob);
                layers.add(descriptor(gzipLayers ? "application/vnd.oci.image.layer.v1.tar+gzip"
                        : "application/vnd.oci.image.layer.v1.tar", blob));
            }
            return JSON.writeValueAsBytes(manifest);
        }
    }

    static ObjectNode descriptor(String mediaType, byte[] content) {
        ObjectNode descriptor = JSON.createObjectNode();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", sha256(content));
        descriptor.put("size", content.length);
        return descriptor;
    }

    /** An OCI layout: the files by name, and the digest of the (first) image manifest. */
    public record Layout(Map<String, byte[]> files, String manifestDigest) {

        public Path writeDirectory(Path dir) throws IOException {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path path = dir.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
            }
            return dir;
        }

        public Path writeTar(Path file, boolean gzip) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (Map.Entry<String, byte[]> entry : files.entrySet()) {
                    TarArchiveEntry e = new TarArchiveEntry(entry.getKey());
                    e.setSize(entry.getValue().length);
                    tar.putArchiveEntry(e);
                    tar.write(entry.getValue());
                    tar.closeArchiveEntry();
                }
            }
            Files.write(file, gzip ? gzip(out.toByteArray()) : out.toByteArray());
            return file;
        }
    }

    /** A layout of one image, named {@code refName}. */
    public static Layout layout(Image image, String refName) throws IOException {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        byte[] manifest = image.manifest(blobs);
        blobs.put(sha256(manifest), manifest);
        ObjectNode descriptor = descriptor("application/vnd.oci.image.manifest.v1+json", manifest);
        if (refName != null) {
            descriptor.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
        }
        return layout(blobs, List.of(descriptor), sha256(manifest));
    }

    /** A layout whose index lists one manifest per image, each with its platform. */
    static Layout multiPlatform(List<Image> images) throws IOException {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        List<ObjectNode> descriptors = new ArrayList<>();
        for (Image image : images) {
            byte[] manifest = image.manifest(blobs);
            blobs.put(sha256(manifest), manifest);
            ObjectNode descriptor = descriptor("application/vnd.oci.image.manifest.v1+json", manifest);
            ObjectNode platform = descriptor.putObject("platform");
            platform.put("os", image.os);
            String[] arch = image.architecture.split("/");
            platform.put("architecture", arch[0]);
            if (arch.length > 1) {
                platform.put("variant", arch[1]);
            }
            descriptors.add(descriptor);
        }
        return layout(blobs, descriptors, null);
    }

    private static Layout layout(Map<String, byte[]> blobs, List<ObjectNode> manifests, String digest)
            throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode list = index.putArray("manifests");
        manifests.forEach(list::add);
        files.put("index.json", JSON.writeValueAsBytes(index));
        blobs.forEach((d, content) -> files.put("blobs/sha256/" + d.substring("sha256:".length()), content));
        return new Layout(files, digest);
    }

    /**
     * A tar as docker save wrote it before Docker 25: {@code <id>/layer.tar} per layer (uncompressed), the
     * configuration as {@code <hex>.json}, and {@code manifest.json} naming them with the image's tag.
     */
    public static Path dockerSave(Image image, String tag, Path file) throws IOException {
        byte[] config = image.config();
        String configName = sha256(config).substring("sha256:".length()) + ".json";
        Map<String, byte[]> files = new LinkedHashMap<>();
        ArrayNode layers = JSON.createArrayNode();
        for (byte[] tar : image.tars) {
            String name = sha256(tar).substring("sha256:".length(), 20) + "/layer.tar";
            files.put(name, tar);
            layers.add(name);
        }
        files.put(configName, config);
        ArrayNode manifest = JSON.createArrayNode();
        ObjectNode entry = manifest.addObject();
        entry.put("Config", configName);
        entry.putArray("RepoTags").add(tag);
        entry.set("Layers", layers);
        files.put("manifest.json", JSON.writeValueAsBytes(manifest));
        return new Layout(files, null).writeTar(file, false);
    }
}
