package io.jenkins.plugins.securedelivery.signing;

import java.util.List;

/**
 * What to store for one signature or attestation: the blobs (push them first), then the manifest, under
 * {@code tag} when there is one (cosign's {@code sha256-<hex>.sig}), otherwise as an OCI 1.1 referrer of the image
 * (its manifest names the image as {@code subject}).
 *
 * @param tag       the tag to store the manifest under, or null for a referrer
 * @param manifest  the manifest bytes, stored as they are: its digest is computed over them
 * @param mediaType the manifest's media type
 * @param blobs     the config and layer blobs the manifest names
 */
public record OciArtifact(String tag, byte[] manifest, String mediaType, List<byte[]> blobs) {

    public OciArtifact {
        blobs = List.copyOf(blobs);
    }

    /** {@code sha256:<hex>} of the manifest: where a registry will store it. */
    public String digest() {
        return Sha256.of(manifest);
    }

    /** True when the manifest is to be pushed as a referrer (no tag). */
    public boolean isReferrer() {
        return tag == null;
    }
}
