package io.jenkins.plugins.securedelivery.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI image layout directory used as a local registry, readable and writable by skopeo ({@code oci:DIR:TAG}) and
 * oras ({@code --oci-layout DIR:TAG}). Tags are {@code org.opencontainers.image.ref.name} annotations in
 * {@code index.json}; the registry and repository of a reference are ignored (a layout holds one repository).
 *
 * <p>Referrers are found as oras-go finds them: by reading the manifests {@code index.json} lists and keeping those
 * whose {@code subject} is the image; a fallback tag {@code sha256-<hex>} (e.g. copied from a registry by skopeo) is
 * read as well. {@link #pushReferrer} lists the referrer untagged in {@code index.json}, as oras-go does.
 *
 * <p>Every file is written to a temporary name and renamed, so a reader sees the old or the new file, never half of
 * one. Writers in one JVM share this object's lock; writers in other processes race on {@code index.json} (last
 * rename wins), as they do with skopeo.
 */
public final class OciLayoutStore implements OciStore {

    static final String REF_NAME = "org.opencontainers.image.ref.name";

    private final Path root;

    /** Opens the layout at {@code root}, creating an empty one when the directory is absent or empty. */
    public OciLayoutStore(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("blobs/sha256"));
        if (!Files.exists(root.resolve("oci-layout"))) {
            write(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        }
        if (!Files.exists(root.resolve("index.json"))) {
            write(root.resolve("index.json"), ("{\"schemaVersion\":2,\"mediaType\":\"" + ReferrersIndex.OCI_INDEX + "\",\"manifests\":[]}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public synchronized Descriptor resolve(ImageReference reference) throws IOException {
        Optional<Descriptor> found = find(reference);
        if (found.isEmpty()) {
            throw new RegistryException(404, "Nothing found resolving " + reference + " in OCI layout " + root
                    + ": check the tag (index.json lists " + tags() + ") or copy the image in first");
        }
        return found.get();
    }

    @Override
    public synchronized Optional<Manifest> manifest(ImageReference reference) throws IOException {
        Optional<Descriptor> found = find(reference);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = blob(reference, found.get().digest());
        return Optional.of(new Manifest(found.get().mediaType(), bytes, found.get().digest()));
    }

    @Override
    public byte[] blob(ImageReference repository, String digest) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new RegistryException(404, "Blob " + digest + " is not in OCI layout " + root + ": the layout is incomplete; copy the image again");
        }
        String actual = ContentDigest.of(content);
        if (!actual.equals(digest)) {
            throw new RegistryException(0, "Blob " + blobPath(digest) + " does not match its digest " + digest + " (got " + actual
                    + "): the layout was altered; do not use it, copy the image again");
        }
        return content;
    }

    @Override
    public String pushBlob(ImageReference repository, byte[] content) throws IOException {
        String digest = ContentDigest.of(content);
        Path path = blobPath(digest);
        if (!Files.exists(path)) {
            write(path, content);
        }
        return digest;
    }

    @Override
    public synchronized Descriptor pushManifest(ImageReference reference, byte[] manifest, String mediaType) throws IOException {
        Descriptor descriptor = ReferrersIndex.describe(manifest, mediaType, "Manifest to store under " + reference);
        if (reference.tag() == null && reference.isDigest() && !reference.digest().equals(descriptor.digest())) {
            throw new IllegalArgumentException("Manifest to store under " + reference + " has digest " + descriptor.digest()
                    + ": store it under its own digest or a tag");
        }
        pushBlob(reference, manifest);
        list(descriptor, reference.tag());
        return descriptor;
    }

    @Override
    public synchronized List<Descriptor> referrers(ImageReference subject, String artifactType) throws IOException {
        if (!subject.isDigest()) {
            throw new IllegalArgumentException("Subject " + subject + " has no digest: resolve the tag first (referrers are by digest)");
        }
        Map<String, Descriptor> found = new LinkedHashMap<>();
        for (Descriptor listed : listed()) {
            if (!isManifest(listed.mediaType()) || !Files.exists(blobPath(listed.digest()))) {
                continue;
            }
            byte[] bytes = blob(subject, listed.digest());
            if (subject.digest().equals(ReferrersIndex.subjectOf(bytes, "Manifest " + listed.digest() + " in " + root))) {
                Descriptor described = ReferrersIndex.describe(bytes, listed.mediaType(), "Manifest " + listed.digest());
                found.putIfAbsent(listed.digest(), new Descriptor(listed.mediaType(), listed.digest(), listed.size(),
                        described.artifactType(), described.annotations()));
            }
        }
        Optional<Descriptor> fallback = find(subject.withTag(ContentDigest.fallbackTag(subject.digest())));
        if (fallback.isPresent()) {
            for (Descriptor d : ReferrersIndex.entries(blob(subject, fallback.get().digest()), "Referrers index " + fallback.get().digest())) {
                found.putIfAbsent(d.digest(), d);
            }
        }
        return ReferrersIndex.ofType(new ArrayList<>(found.values()), artifactType);
    }

    @Override
    public synchronized Descriptor pushReferrer(ImageReference subject, byte[] manifest, String mediaType) throws IOException {
        String named = ReferrersIndex.subjectOf(manifest, "Referrer manifest for " + subject);
        if (!subject.isDigest() || !subject.digest().equals(named)) {
            throw new IllegalArgumentException("Referrer manifest names subject " + named + ", not " + subject
                    + ": set its \"subject\" to the image's descriptor");
        }
        Descriptor descriptor = ReferrersIndex.describe(manifest, mediaType, "Referrer manifest for " + subject);
        pushBlob(subject, manifest);
        list(descriptor, null);
        return descriptor;
    }

    private Optional<Descriptor> find(ImageReference reference) throws IOException {
        for (Descriptor d : listed()) {
            if (reference.isDigest() ? d.digest().equals(reference.digest()) : reference.tag().equals(d.annotations().get(REF_NAME))) {
                return Optional.of(d);
            }
        }
        if (reference.isDigest() && Files.exists(blobPath(reference.digest()))) {
            // Unlisted but present (e.g. a child of a listed index): its own mediaType field says what it is.
            byte[] bytes = blob(reference, reference.digest());
            return Optional.of(new Descriptor(ReferrersIndex.mediaTypeOf(bytes, ReferrersIndex.OCI_MANIFEST, "Blob " + reference.digest()),
                    reference.digest(), bytes.length, null, Map.of()));
        }
        return Optional.empty();
    }

    private List<Descriptor> listed() throws IOException {
        return ReferrersIndex.entries(Files.readAllBytes(root.resolve("index.json")), "index.json of OCI layout " + root);
    }

    private List<String> tags() throws IOException {
        return listed().stream().map(d -> d.annotations().get(REF_NAME)).filter(t -> t != null).toList();
    }

    /** Lists a manifest in index.json: under a tag (moving the tag off any other manifest), or untagged once. */
    private void list(Descriptor descriptor, String tag) throws IOException {
        Path indexFile = root.resolve("index.json");
        ObjectNode index = (ObjectNode) ReferrersIndex.parse(Files.readAllBytes(indexFile), "index.json of OCI layout " + root);
        ArrayNode manifests = ReferrersIndex.json().createArrayNode();
        boolean present = false;
        for (JsonNode entry : index.path("manifests")) {
            String entryTag = entry.path("annotations").path(REF_NAME).asText(null);
            boolean sameDigest = descriptor.digest().equals(entry.path("digest").asText());
            if (tag != null && tag.equals(entryTag)) {
                continue;
            }
            if (tag == null && sameDigest) {
                present = true;
            }
            manifests.add(entry);
        }
        if (!present) {
            ObjectNode entry = ReferrersIndex.toJson(new Descriptor(descriptor.mediaType(), descriptor.digest(), descriptor.size(),
                    descriptor.artifactType(), tag == null ? Map.of() : Map.of(REF_NAME, tag)));
            manifests.add(entry);
        }
        index.set("manifests", manifests);
        write(indexFile, ReferrersIndex.json().writeValueAsBytes(index));
    }

    private Path blobPath(String digest) {
        ContentDigest.check(digest, root + "@" + digest); // a digest names a file: no path may slip through
        int colon = digest.indexOf(':');
        return root.resolve("blobs").resolve(digest.substring(0, colon)).resolve(digest.substring(colon + 1));
    }

    private static boolean isManifest(String mediaType) {
        return mediaType.equals(ReferrersIndex.OCI_MANIFEST) || mediaType.equals(ReferrersIndex.DOCKER_MANIFEST);
    }

    private static void write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        AtomicFile.write(target, content);
    }

    @Override
    public String toString() {
        return "OciLayoutStore[" + root + "]";
    }
}
