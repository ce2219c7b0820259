package io.jenkins.plugins.securedelivery.oci;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where images and their signatures live: a registry over HTTP, or an OCI image layout directory used as a local
 * registry. Everything is addressed by repository and digest; tags are resolved once ({@link #resolve}).
 */
public interface OciStore {

    /** The manifest digest a reference points to now: a tag is resolved, a digest is checked to exist. */
    Descriptor resolve(ImageReference reference) throws IOException;

    /** The manifest a reference (tag or digest) points to, as stored; empty when there is none. */
    Optional<Manifest> manifest(ImageReference reference) throws IOException;

    /** A blob of a repository, verified against its digest. */
    byte[] blob(ImageReference repository, String digest) throws IOException;

    /** Uploads a blob unless the repository has it already; returns its digest. */
    String pushBlob(ImageReference repository, byte[] content) throws IOException;

    /**
     * Stores a manifest under {@code reference}: a tag (e.g. cosign's {@code sha256-<hex>.sig}) or, when the
     * reference carries no tag, under its own digest. Returns its descriptor.
     */
    Descriptor pushManifest(ImageReference reference, byte[] manifest, String mediaType) throws IOException;

    /**
     * The manifests that name {@code subject} (a reference with a digest) as their OCI 1.1 subject, optionally only
     * those of one artifact type: from the referrers API, or, where the store has none, from the tag-schema fallback
     * index {@code sha256-<hex>}.
     */
    List<Descriptor> referrers(ImageReference subject, String artifactType) throws IOException;

    /**
     * Stores a manifest whose {@code subject} field names another manifest, and makes it findable by
     * {@link #referrers}: by digest where the store has a referrers API, and also in the tag-schema fallback index
     * where it has not.
     */
    Descriptor pushReferrer(ImageReference subject, byte[] manifest, String mediaType) throws IOException;
}
