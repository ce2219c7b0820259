package io.jenkins.plugins.securedelivery.sbom.image;

import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Recognises how a tar is compressed by its first bytes: media types are only claims. */
final class Compression {

    private Compression() {}

    /** {@code in} must support mark/reset. Returns a stream of the uncompressed tar. */
    static InputStream decompressing(InputStream in, String what) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GzipCompressorInputStream(in, true);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            // commons-compress reads zstd only through the native zstd-jni library; not worth a native dependency yet.
            throw new SbomInputException(what, 0, "is zstd-compressed, which this version does not read",
                    "rebuild or copy the image with gzip layers (skopeo copy --dest-compress-format gzip, "
                            + "docker buildx --output compression=gzip)");
        }
        return in;
    }
}
