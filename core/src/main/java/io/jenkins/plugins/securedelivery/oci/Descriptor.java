package io.jenkins.plugins.securedelivery.oci;

import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a manifest, an index or the referrers API says about one blob or manifest.
 *
 * @param mediaType    the content's media type
 * @param digest       {@code sha256:<hex>}
 * @param size         bytes
 * @param artifactType OCI 1.1 artifact type, or null
 * @param annotations  annotations, never null
 */
public record Descriptor(String mediaType, String digest, long size, String artifactType, Map<String, String> annotations) {

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
