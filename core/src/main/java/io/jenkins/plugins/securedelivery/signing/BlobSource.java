package io.jenkins.plugins.securedelivery.signing;

import java.io.IOException;

/** Where a verifier fetches the blobs a manifest names, e.g. {@code d -> store.blob(repository, d)}. */
@FunctionalInterface
public interface BlobSource {

    /** The blob with this digest; the verifier checks the digest again. */
    byte[] blob(String digest) throws IOException;
}
