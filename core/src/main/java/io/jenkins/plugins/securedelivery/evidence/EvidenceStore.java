package io.jenkins.plugins.securedelivery.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.Manifest;
import io.jenkins.plugins.securedelivery.oci.OciStore;
import io.jenkins.plugins.securedelivery.signing.OciArtifact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Evidence bundles stored beside their image in a registry (or an OCI layout): an OCI 1.1 artifact of type
 * {@link #ARTIFACT_TYPE} whose {@code subject} is the image's manifest, found again through the referrers API or, on
 * registries without one (Debian's docker-registry), the tag-schema fallback index {@code sha256-<hex>}, as cosign's
 * bundles are.
 */
public final class EvidenceStore {

    /** The artifact type of an evidence bundle, and the media type of its one layer, the zip. */
    public static final String ARTIFACT_TYPE = "application/vnd.secure-delivery.evidence.v1+zip";

    static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
    static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.US_ASCII);
    static final String TITLE_ANNOTATION = "org.opencontainers.image.title";
    static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OciStore store;

    public EvidenceStore(OciStore store) {
        this.store = store;
    }

    /**
     * A bundle pushed.
     *
     * @param image    the image it refers to, by digest
     * @param location the artifact's manifest, {@code registry/repository@sha256:<hex>}
     */
    public record Pushed(ImageReference image, String location) {}

    /**
     * Pushes {@code bundle} as an artifact referring to the image its manifest names, in {@code image}'s repository
     * when given (which must hold that digest), else in the repository the manifest names. Pushing the same bundle
     * again stores nothing new.
     *
     * @param title the bundle's file name, recorded as {@code org.opencontainers.image.title}
     * @throws EvidenceInputException when the bundle is not one, or {@code image} is another image
     */
    public Pushed push(ImageReference image, byte[] bundle, String title) throws IOException {
        EvidenceManifest manifest;
        try {
            manifest = EvidenceManifest.parse(EvidenceBundle.manifestOf(bundle), title);
        } catch (InvalidBundle e) {
            throw new EvidenceInputException(title, "this is not an evidence bundle (" + e.getMessage() + ")",
                    "give a bundle made by evidence create");
        }
        ImageReference target;
        try {
            target = image != null ? image : ImageReference.parse(manifest.imageName() + "@" + manifest.imageDigest());
        } catch (IllegalArgumentException e) {
            throw new EvidenceInputException(title, "the image its manifest names is not a valid reference (" + e.getMessage() + ")",
                    "give the image to push to");
        }
        if (target.digest() != null && !target.digest().equals(manifest.imageDigest())) {
            throw new EvidenceInputException(title, "the bundle is about " + manifest.imageDigest() + ", not " + target,
                    "push it to the image it is about, or leave out the image to use the one its manifest names");
        }
        Descriptor subject = store.resolve(target.withDigest(manifest.imageDigest()));
        ImageReference pinned = target.withDigest(subject.digest());
        OciArtifact artifact = artifact(subject, bundle, title, manifest);
        for (byte[] blob : artifact.blobs()) {
            store.pushBlob(pinned, blob);
        }
        Descriptor stored = store.pushReferrer(pinned, artifact.manifest(), artifact.mediaType());
        return new Pushed(pinned, pinned.repositoryReference().withDigest(stored.digest()).toString());
    }

    /** The evidence artifacts referring to {@code image}; a tag is resolved to its digest first. */
    public List<Descriptor> list(ImageReference image) throws IOException {
        ImageReference pinned = image.digest() != null ? image : image.withDigest(store.resolve(image).digest());
        return store.referrers(pinned, ARTIFACT_TYPE);
    }

    /** The bundle (the zip) held by the evidence artifact {@code artifactDigest} of {@code image}'s repository. */
    public byte[] pull(ImageReference image, String artifactDigest) throws IOException {
        ImageReference at = image.withDigest(artifactDigest);
        Manifest manifest = store.manifest(at).orElseThrow(() -> new EvidenceInputException(at.toString(),
                "no such artifact in the registry", "list the image's evidence first"));
        JsonNode root = JSON.readTree(manifest.bytes());
        for (JsonNode layer : root.path("layers")) {
            if (ARTIFACT_TYPE.equals(layer.path("mediaType").asText())) {
                return store.blob(at, layer.path("digest").asText());
            }
        }
        throw new EvidenceInputException(at.toString(), "the artifact holds no layer of type " + ARTIFACT_TYPE,
                "this is not an evidence artifact; give one that list() returned");
    }

    /** The OCI 1.1 manifest: the empty config, one layer (the zip), the image as subject. */
    static OciArtifact artifact(Descriptor image, byte[] bundle, String title, EvidenceManifest manifest) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", 2).put("mediaType", MANIFEST_MEDIA_TYPE);
        root.put("artifactType", ARTIFACT_TYPE);
        root.putObject("config").put("mediaType", EMPTY_MEDIA_TYPE).put("size", EMPTY_CONFIG.length)
                .put("digest", EvidenceBundle.sha256(EMPTY_CONFIG));
        root.putArray("layers").addObject().put("mediaType", ARTIFACT_TYPE).put("size", bundle.length)
                .put("digest", EvidenceBundle.sha256(bundle))
                .putObject("annotations").put(TITLE_ANNOTATION, title);
        root.putObject("subject").put("mediaType", image.mediaType()).put("size", image.size()).put("digest", image.digest());
        // The bundle's own creation time, not now: pushing the same bundle twice gives the same manifest.
        root.putObject("annotations").put(CREATED_ANNOTATION,
                DateTimeFormatter.ISO_INSTANT.format(manifest.created().truncatedTo(ChronoUnit.SECONDS)));
        try {
            return new OciArtifact(null, JSON.writeValueAsBytes(root), MANIFEST_MEDIA_TYPE, List.of(EMPTY_CONFIG, bundle));
        } catch (IOException e) {
            throw new IllegalStateException("a tree of plain nodes always serialises", e);
        }
    }
}
