package io.jenkins.plugins.securedelivery.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 content digests as OCI writes them ({@code sha256:<64 lowercase hex>}). */
final class ContentDigest {

    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("sha512:[a-f0-9]{128}");

    private ContentDigest() {}

    static String of(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static void check(String digest, String where) {
        if (!SHA256.matcher(digest).matches() && !SHA512.matcher(digest).matches()) {
            throw new IllegalArgumentException("Image reference '" + where + "' is invalid: the digest '" + digest
                    + "' must be sha256:<64 lowercase hex> (or sha512:<128 hex>)");
        }
    }

    /** The tag the OCI 1.1 referrers tag schema uses for a subject: {@code sha256-<hex>}. */
    static String fallbackTag(String digest) {
        return digest.replace(':', '-');
    }
}
