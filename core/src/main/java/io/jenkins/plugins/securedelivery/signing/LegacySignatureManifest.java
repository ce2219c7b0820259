package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifest cosign stores under tag {@code sha256-<hex>.sig}: an OCI image whose layers are simple-signing payloads,
 * each with its signature in the {@code dev.cosignproject.cosign/signature} annotation, and a config that lists the
 * layers as go-containerregistry's {@code mutate.Append} on an empty image writes it.
 */
final class LegacySignatureManifest {

    static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    static final String CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacySignatureManifest() {}

    /** A layer as a manifest lists it. */
    record Layer(String mediaType, String digest, long size, Map<String, String> annotations) {}

    /** The layers of a stored .sig manifest; a manifest that is not one is an error naming it. */
    static List<Layer> layers(byte[] manifest) throws IOException {
        JsonNode root = JSON.readTree(manifest);
        if (root == null || !root.path("layers").isArray()) {
            throw new IOException("not an OCI image manifest with layers");
        }
        List<Layer> layers = new ArrayList<>();
        for (JsonNode layer : root.path("layers")) {
            Map<String, String> annotations = new LinkedHashMap<>();
            layer.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
            layers.add(new Layer(layer.path("mediaType").asText(), layer.path("digest").asText(), layer.path("size").asLong(), annotations));
        }
        return layers;
    }

    /**
     * The manifest with {@code added} appended after the layers of {@code existing} (null: a new manifest), and the
     * config blob it needs. Existing layer descriptors are kept as they are.
     */
    static OciArtifact append(String tag, byte[] existing, Layer added, byte[] addedBlob) {
        List<ObjectNode> layers = new ArrayList<>();
        if (existing != null) {
            try {
                JsonNode root = JSON.readTree(existing);
                if (root == null || !root.path("layers").isArray()) throw new IOException("no layers");
                root.path("layers").forEach(layer -> layers.add((ObjectNode) layer));
            } catch (IOException | ClassCastException e) {
                throw new SigningInputException("the manifest under tag " + tag, "it is not an OCI image manifest, so it cannot be a cosign signature",
                        "delete the tag " + tag + " from the registry, or sign into another repository");
            }
        }
        ObjectNode layer = JSON.createObjectNode();
        layer.put("mediaType", added.mediaType()).put("size", added.size()).put("digest", added.digest());
        ObjectNode annotations = layer.putObject("annotations");
        added.annotations().forEach(annotations::put);
        layers.add(layer);

        byte[] config = config(layers);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", MANIFEST_MEDIA_TYPE);
        manifest.putObject("config").put("mediaType", CONFIG_MEDIA_TYPE).put("size", config.length).put("digest", Sha256.of(config));
        manifest.putArray("layers").addAll(layers);
        try {
            return new OciArtifact(tag, JSON.writeValueAsBytes(manifest), MANIFEST_MEDIA_TYPE, List.of(config, addedBlob));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** go-containerregistry's ConfigFile of an empty image with these (uncompressed) layers appended. */
    private static byte[] config(List<ObjectNode> layers) {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "").put("created", "0001-01-01T00:00:00Z");
        ArrayNode history = config.putArray("history");
        config.put("os", "");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        for (ObjectNode layer : layers) {
            history.addObject().put("created", "0001-01-01T00:00:00Z");
            diffIds.add(layer.path("digest").asText());
        }
        config.putObject("config");
        try {
            return JSON.writeValueAsBytes(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
