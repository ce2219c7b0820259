package io.jenkins.plugins.securedelivery.signing;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** {@code sha256:<hex>} digests: computed, and checked where a user or a registry gives one. */
final class Sha256 {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private Sha256() {}

    static String of(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(VerificationKey.sha256(content));
    }

    static boolean isDigest(String digest) {
        return digest != null && DIGEST.matcher(digest).matches();
    }

    /** The hex of an image digest, which must be {@code sha256:<64 hex>}: cosign's tags and statements use it. */
    static String hex(String digest) {
        if (!isDigest(digest)) {
            throw new SigningInputException(String.valueOf(digest), "not a sha256 image digest",
                    "give the digest as sha256: followed by 64 lowercase hex digits, as the registry reports it");
        }
        return digest.substring("sha256:".length());
    }
}
