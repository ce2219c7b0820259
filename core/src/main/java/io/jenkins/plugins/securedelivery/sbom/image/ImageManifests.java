package io.jenkins.plugins.securedelivery.sbom.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Finds the image manifest, its configuration and its layers, checking each document against its digest. */
final class ImageManifests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DIGEST = Pattern.compile("(sha256|sha512):([0-9a-f]{64}|[0-9a-f]{128})");
    private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?(?:blobs/sha256/)?([0-9a-f]{64})(?:\\.json)?");

    /**
     * One layer to read.
     *
     * @param name   its name in the archive
     * @param digest the digest of the blob as stored (compressed), or null when the format records none
     * @param diffId the digest of the uncompressed tar, from the configuration, or null
     */
    record LayerRef(int index, String name, String digest, String diffId) {
        String describe() {
            return "layer " + (index + 1) + " (" + (digest != null ? digest : diffId != null ? diffId : name) + ")";
        }
    }

    record Selected(String digest, ContainerImage.DigestOf digestOf, String name, String platform, List<LayerRef> layers) {}

    private record Candidate(String digest, String platform, String name) {}

    private ImageManifests() {}

    static Selected select(ImageArchive archive, String platform) throws IOException {
        if (archive.has("index.json") && archive.has("oci-layout")) {
            return fromIndex(archive, platform);
        }
        if (archive.has("manifest.json")) {
            return fromDockerSave(archive);
        }
        throw new SbomInputException(archive.describe(), 0,
                "is neither an OCI image layout (oci-layout and index.json) nor a docker save tar (manifest.json)",
                "give an OCI layout directory, an OCI archive or a docker save tar");
    }

    private static Selected fromIndex(ImageArchive archive, String platform) throws IOException {
        String where = archive.describe() + "!/index.json";
        JsonNode index = parse(archive.read("index.json"), where);
        List<Candidate> candidates = new ArrayList<>();
        collect(archive, index, where, null, candidates, 0);
        Candidate chosen = choose(candidates, platform, where);
        String blob = blobName(chosen.digest(), where);
        byte[] manifestBytes = archive.read(blob);
        verify(manifestBytes, chosen.digest(), archive.describe() + "!/" + blob);
        JsonNode manifest = parse(manifestBytes, archive.describe() + "!/" + blob);
        String configDigest = manifest.path("config").path("digest").asText(null);
        if (configDigest == null) {
            throw new SbomInputException(archive.describe() + "!/" + blob, 0, "the manifest has no config descriptor",
                    "the image is malformed; rebuild it");
        }
        String configBlob = blobName(configDigest, blob);
        byte[] configBytes = archive.read(configBlob);
        verify(configBytes, configDigest, archive.describe() + "!/" + configBlob);
        JsonNode config = parse(configBytes, archive.describe() + "!/" + configBlob);
        JsonNode diffIds = config.path("rootfs").path("diff_ids");
        JsonNode layers = manifest.path("layers");
        List<LayerRef> refs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String digest = layers.get(i).path("digest").asText("");
            String diffId = diffIds.size() == layers.size() ? diffIds.get(i).asText(null) : null;
            refs.add(new LayerRef(i, blobName(digest, blob), digest, diffId));
        }
        String platformOf = chosen.platform() != null ? chosen.platform() : platform(config);
        return new Selected(chosen.digest(), ContainerImage.DigestOf.MANIFEST, chosen.name(), platformOf, refs);
    }

    private static void collect(ImageArchive archive, JsonNode index, String where, String name,
            List<Candidate> into, int depth) throws IOException {
        if (depth > 3) {
            throw new SbomInputException(where, 0, "image indexes are nested more than 3 deep",
                    "the image is malformed; rebuild it");
        }
        for (JsonNode descriptor : index.path("manifests")) {
            String digest = descriptor.path("digest").asText("");
            String mediaType = descriptor.path("mediaType").asText("");
            String refName = descriptor.path("annotations").path("org.opencontainers.image.ref.name").asText(null);
            String imageName = descriptor.path("annotations").path("io.containerd.image.name").asText(null);
            String named = name != null ? name : refName != null ? refName : imageName;
            if (mediaType.endsWith("image.index.v1+json") || mediaType.endsWith("manifest.list.v2+json")) {
                String blob = blobName(digest, where);
                byte[] nested = archive.read(blob);
                verify(nested, digest, archive.describe() + "!/" + blob);
                collect(archive, parse(nested, archive.describe() + "!/" + blob), archive.describe() + "!/" + blob,
                        named, into, depth + 1);
            } else if (!"attestation-manifest".equals(
                    descriptor.path("annotations").path("vnd.docker.reference.type").asText(null))) {
                JsonNode p = descriptor.path("platform");
                String platform = p.isMissingNode() ? null : platform(p);
                if (platform == null || !platform.startsWith("unknown/")) {
                    into.add(new Candidate(digest, platform, named));
                }
            }
        }
    }

    private static Candidate choose(List<Candidate> candidates, String platform, String where) {
        if (candidates.isEmpty()) {
            throw new SbomInputException(where, 0, "the index lists no image manifest",
                    "the layout holds no image; copy one into it");
        }
        if (candidates.size() == 1 && platform == null) {
            return candidates.get(0);
        }
        String wanted = platform == null ? ContainerImage.DEFAULT_PLATFORM : platform;
        List<Candidate> matching = candidates.stream()
                .filter(c -> c.platform() != null && (c.platform().equals(wanted) || c.platform().startsWith(wanted + "/")))
                .toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        String listed = candidates.stream()
                .map(c -> (c.platform() == null ? "(no platform)" : c.platform()) + " " + c.digest()
                        + (c.name() == null ? "" : " (" + c.name() + ")"))
                .collect(Collectors.joining(", "));
        throw new SbomInputException(where, 0, (matching.isEmpty() ? "no image for platform " : "several images for platform ")
                + wanted + " among: " + listed, "name the platform to read (os/arch or os/arch/variant), or copy the one image wanted into its own layout");
    }

    private static String platform(JsonNode p) {
        String os = p.path("os").asText("");
        String arch = p.path("architecture").asText("");
        String variant = p.path("variant").asText("");
        if (os.isEmpty() || arch.isEmpty()) {
            return null;
        }
        return os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant);
    }

    private static Selected fromDockerSave(ImageArchive archive) throws IOException {
        String where = archive.describe() + "!/manifest.json";
        JsonNode manifest = parse(archive.read("manifest.json"), where);
        if (!manifest.isArray() || manifest.isEmpty()) {
            throw new SbomInputException(where, 0, "is not a docker save manifest (an array of images)",
                    "write the image again with docker save");
        }
        if (manifest.size() > 1) {
            List<String> tags = new ArrayList<>();
            manifest.forEach(image -> tags.add(image.path("RepoTags").path(0).asText(image.path("Config").asText())));
            throw new SbomInputException(where, 0, "holds " + manifest.size() + " images: " + String.join(", ", tags),
                    "save one image per tar (docker save IMAGE)");
        }
        JsonNode image = manifest.get(0);
        String configName = ImageArchive.archiveName(image.path("Config").asText(""));
        byte[] configBytes = archive.read(configName);
        String configDigest = "sha256:" + sha256(configBytes);
        Matcher hex = HEX_NAME.matcher(configName);
        if (hex.matches() && !configDigest.equals("sha256:" + hex.group(1))) {
            throw mismatch(archive.describe() + "!/" + configName, "sha256:" + hex.group(1), configDigest);
        }
        JsonNode config = parse(configBytes, archive.describe() + "!/" + configName);
        JsonNode diffIds = config.path("rootfs").path("diff_ids");
        JsonNode layers = image.path("Layers");
        if (diffIds.size() != layers.size()) {
            throw new SbomInputException(where, 0, "lists " + layers.size() + " layers but its configuration "
                    + diffIds.size() + " diff_ids", "the tar is malformed; write it again with docker save");
        }
        List<LayerRef> refs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String name = ImageArchive.archiveName(layers.get(i).asText(""));
            Matcher blob = HEX_NAME.matcher(name);
            String digest = name.startsWith("blobs/sha256/") && blob.matches() ? "sha256:" + blob.group(1) : null;
            refs.add(new LayerRef(i, name, digest, diffIds.get(i).asText()));
        }
        String tag = image.path("RepoTags").path(0).asText(null);
        return new Selected(configDigest, ContainerImage.DigestOf.CONFIG, tag, platform(config), refs);
    }

    static String blobName(String digest, String where) {
        Matcher m = DIGEST.matcher(digest);
        if (!m.matches() || (m.group(1).equals("sha256") != (m.group(2).length() == 64))) {
            throw new SbomInputException(where, 0, "refers to the malformed digest \"" + digest + "\"",
                    "the image is malformed; rebuild it");
        }
        return "blobs/" + m.group(1) + "/" + m.group(2);
    }

    static void verify(byte[] bytes, String digest, String what) {
        String actual = digest.startsWith("sha512:") ? "sha512:" + hex("SHA-512", bytes) : "sha256:" + sha256(bytes);
        if (!actual.equals(digest)) {
            throw mismatch(what, digest, actual);
        }
    }

    static SbomInputException mismatch(String what, String expected, String actual) {
        return new SbomInputException(what, 0, "content does not match its digest: expected " + expected + ", got "
                + actual, "the image is corrupt or was tampered with; copy it again from the registry");
    }

    static MessageDigest digester(String digest) {
        try {
            return MessageDigest.getInstance(digest != null && digest.startsWith("sha512:") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        return hex("SHA-256", bytes);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] bytes, String where) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SbomInputException(where, 0, "is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")",
                    "the image is malformed; rebuild it", e);
        }
    }
}
