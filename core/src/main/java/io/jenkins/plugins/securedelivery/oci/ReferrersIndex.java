package io.jenkins.plugins.securedelivery.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * The OCI 1.1 referrers index: what the referrers API answers and what the tag-schema fallback ({@code sha256-<hex>})
 * stores, an image index whose entries describe the manifests that name a subject.
 */
final class ReferrersIndex {

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferrersIndex() {}

    static JsonNode parse(byte[] json, String what) throws RegistryException {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new RegistryException(0, what + " is not a JSON object: it is not an OCI manifest or index");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RegistryException(0, what + " is not valid JSON (" + e.getOriginalMessage() + "): it is not an OCI manifest or index", e);
        } catch (IOException e) {
            throw new RegistryException(0, what + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The descriptor of a manifest as the referrers API lists it: artifactType falls back to the config's media type. */
    static Descriptor describe(byte[] manifest, String mediaType, String what) throws RegistryException {
        JsonNode node = parse(manifest, what);
        String artifactType = text(node, "artifactType");
        if (artifactType == null && node.path("config").isObject()) {
            artifactType = text(node.path("config"), "mediaType");
        }
        return new Descriptor(mediaType, ContentDigest.of(manifest), manifest.length, artifactType, annotations(node));
    }

    /** The digest a manifest names as its {@code subject}, or null. */
    static String subjectOf(byte[] manifest, String what) throws RegistryException {
        return text(parse(manifest, what).path("subject"), "digest");
    }

    /** The media type a manifest declares in its own {@code mediaType} field, or {@code fallback}. */
    static String mediaTypeOf(byte[] manifest, String fallback, String what) throws RegistryException {
        String declared = text(parse(manifest, what), "mediaType");
        return declared == null ? fallback : declared;
    }

    static List<Descriptor> entries(byte[] index, String what) throws RegistryException {
        List<Descriptor> result = new ArrayList<>();
        for (JsonNode entry : parse(index, what).path("manifests")) {
            String mediaType = text(entry, "mediaType");
            String digest = text(entry, "digest");
            if (mediaType == null || digest == null) {
                throw new RegistryException(0, what + " has an entry without mediaType or digest: it is not an OCI index");
            }
            result.add(new Descriptor(mediaType, digest, entry.path("size").asLong(), text(entry, "artifactType"), annotations(entry)));
        }
        return result;
    }

    static List<Descriptor> ofType(List<Descriptor> descriptors, String artifactType) {
        if (artifactType == null) {
            return List.copyOf(descriptors);
        }
        return descriptors.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
    }

    /**
     * A fallback index holding what {@code existing} holds plus {@code added} (replacing an entry of the same
     * digest). Unknown fields of the existing index are kept, so an index another tool wrote survives.
     */
    static byte[] with(byte[] existing, Descriptor added, String what) throws RegistryException {
        ObjectNode index;
        if (existing == null) {
            index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", OCI_INDEX);
        } else {
            index = (ObjectNode) parse(existing, what);
        }
        ArrayNode manifests = JSON.createArrayNode();
        for (JsonNode entry : index.path("manifests")) {
            if (!added.digest().equals(text(entry, "digest"))) {
                manifests.add(entry);
            }
        }
        manifests.add(toJson(added));
        index.set("manifests", manifests);
        try {
            return JSON.writeValueAsBytes(index);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serialises", e);
        }
    }

    static ObjectNode toJson(Descriptor descriptor) {
        ObjectNode node = JSON.createObjectNode();
        node.put("mediaType", descriptor.mediaType());
        node.put("digest", descriptor.digest());
        node.put("size", descriptor.size());
        if (descriptor.artifactType() != null) {
            node.put("artifactType", descriptor.artifactType());
        }
        if (!descriptor.annotations().isEmpty()) {
            ObjectNode annotations = node.putObject("annotations");
            descriptor.annotations().forEach(annotations::put);
        }
        return node;
    }

    static ObjectMapper json() {
        return JSON;
    }

    private static Map<String, String> annotations(JsonNode node) {
        Map<String, String> result = new LinkedHashMap<>();
        node.path("annotations").properties().forEach(e -> result.put(e.getKey(), e.getValue().asText()));
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }
}
