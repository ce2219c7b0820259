package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The OCI 1.1 referrer manifest cosign v3 stores a bundle in ({@code WriteAttestationNewBundleFormat}): artifactType
 * the bundle media type, the empty config, one layer holding the bundle, the image as subject, and three
 * annotations. Field order as cosign's go-containerregistry writes it, including its copy of artifactType on config.
 */
final class BundleReferrerManifest {

    static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
    static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.US_ASCII);
    static final String CONTENT_ANNOTATION = "dev.sigstore.bundle.content";
    static final String PREDICATE_TYPE_ANNOTATION = "dev.sigstore.bundle.predicateType";
    static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleReferrerManifest() {}

    static OciArtifact of(Descriptor image, byte[] bundle, String predicateType, Instant created) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", MANIFEST_MEDIA_TYPE);
        manifest.putObject("config").put("mediaType", EMPTY_MEDIA_TYPE).put("size", EMPTY_CONFIG.length)
                .put("digest", Sha256.of(EMPTY_CONFIG)).put("artifactType", SigstoreBundles.MEDIA_TYPE);
        manifest.putArray("layers").addObject().put("mediaType", SigstoreBundles.MEDIA_TYPE).put("size", bundle.length)
                .put("digest", Sha256.of(bundle));
        manifest.putObject("annotations")
                .put(CONTENT_ANNOTATION, "dsse-envelope")
                .put(PREDICATE_TYPE_ANNOTATION, predicateType)
                // Go's time.RFC3339 of a UTC time: whole seconds, "Z".
                .put(CREATED_ANNOTATION, DateTimeFormatter.ISO_INSTANT.format(created.truncatedTo(ChronoUnit.SECONDS)));
        manifest.putObject("subject").put("mediaType", image.mediaType()).put("size", image.size()).put("digest", image.digest());
        manifest.put("artifactType", SigstoreBundles.MEDIA_TYPE);
        try {
            return new OciArtifact(null, JSON.writeValueAsBytes(manifest), MANIFEST_MEDIA_TYPE, List.of(EMPTY_CONFIG, bundle));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
