package io.jenkins.plugins.securedelivery.gitops;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One image of a release, pinned by digest: the name the overlay knows it by (kustomize {@code images[].name}), the
 * repository it now comes from, and its manifest digest. Parsed from {@code NAME=REF@sha256:<hex>}, e.g.
 * {@code ghcr.io/org/medical-platform=registry.example.com/org/medical-platform@sha256:...}.
 *
 * @param name    the image name in the overlay
 * @param newName the repository to run it from (kustomize {@code newName}); equal to {@code name} when unchanged
 * @param digest  {@code sha256:<64 hex>}
 */
public record ImagePin(String name, String newName, String digest) {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public ImagePin {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an image pin needs the image's name in the overlay");
        }
        newName = newName == null || newName.isBlank() ? name : newName;
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("'" + digest + "' for image " + name
                    + " is not a digest: promote by sha256:<64 hex> (sign or resolve the tag first)");
        }
    }

    /** Parses {@code NAME=REF@sha256:<hex>}; without {@code NAME=}, the name is REF. */
    public static ImagePin parse(String text) {
        Objects.requireNonNull(text, "image");
        int at = text.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("'" + text + "' has no @sha256: digest: write NAME=REF@sha256:<hex>");
        }
        String left = text.substring(0, at);
        int equals = left.indexOf('=');
        String name = equals < 0 ? left : left.substring(0, equals);
        String ref = equals < 0 ? left : left.substring(equals + 1);
        return new ImagePin(name, ref, text.substring(at + 1));
    }

    @Override
    public String toString() {
        return name + "=" + newName + "@" + digest;
    }
}
