package io.jenkins.plugins.securedelivery.oci;

import java.util.regex.Pattern;

/**
 * An image reference, normalised as Docker does ({@code nginx} is {@code docker.io/library/nginx:latest}).
 * When both a tag and a digest are present, the digest is what is fetched; the tag is kept for display.
 *
 * @param registry   host[:port], e.g. {@code docker.io}, {@code localhost:5000}
 * @param repository e.g. {@code library/nginx}, {@code org/medical-platform}
 * @param tag        the tag, or null
 * @param digest     {@code sha256:<hex>}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    static final String DOCKER_HUB = "docker.io";

    // The grammar of github.com/distribution/reference, written out because no Java library of the field parses it.
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+])(?::[0-9]+)?");

    public ImageReference {
        if (registry == null || !REGISTRY.matcher(registry).matches()) {
            throw invalid(registry + "/" + repository, "the registry '" + registry + "' is not a host[:port]");
        }
        if (repository == null || repository.isEmpty()) {
            throw invalid(registry + "/", "the repository is empty");
        }
        for (String component : repository.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw invalid(registry + "/" + repository, "the repository component '" + component
                        + "' must be lowercase letters, digits and single separators (. _ __ -)");
            }
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw invalid(registry + "/" + repository + ":" + tag,
                    "the tag '" + tag + "' must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
        }
        if (digest != null) {
            ContentDigest.check(digest, registry + "/" + repository + "@" + digest);
        }
    }

    /**
     * Parses and normalises a reference as {@code docker pull} does: the first path segment is a registry when it
     * contains '.' or ':' or is {@code localhost}; otherwise the registry is {@code docker.io}, where one-segment
     * names live under {@code library/}. Without tag or digest the tag is {@code latest}.
     *
     * @throws IllegalArgumentException naming the reference and the part that is wrong
     */
    public static ImageReference parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("Image reference is empty: give e.g. registry.example/org/app:1.0 or app@sha256:<64 hex>");
        }
        String rest = reference.strip();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        String repository = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first.equals("index.docker.io") ? DOCKER_HUB : first;
                repository = rest.substring(slash + 1);
            }
        }
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        if (!repository.equals(repository.toLowerCase(java.util.Locale.ROOT))) {
            throw invalid(reference, "repository names must be lowercase");
        }
        if (repository.length() + registry.length() + 1 > 255) {
            throw invalid(reference, "the name is longer than 255 characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        try {
            return new ImageReference(registry, repository, tag, digest);
        } catch (IllegalArgumentException e) {
            // Name what the user typed, not the normalised form.
            throw invalid(reference, e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        }
    }

    /** True when this reference names content by digest (and so cannot move). */
    public boolean isDigest() {
        return digest != null;
    }

    /** The same repository, pinned to {@code digest} (the tag is dropped: a digest reference does not move). */
    public ImageReference withDigest(String digest) {
        return new ImageReference(registry, repository, null, digest);
    }

    /** The same repository at {@code tag}, without a digest. */
    public ImageReference withTag(String tag) {
        return new ImageReference(registry, repository, tag, null);
    }

    /** The repository alone, without tag or digest, e.g. for blob operations. */
    public ImageReference repositoryReference() {
        return new ImageReference(registry, repository, null, null);
    }

    /** {@code registry/repository}: the name cosign records as {@code docker-reference}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** Tag or digest, as used in {@code /v2/<name>/manifests/<reference>}; the digest wins when both are present. */
    String manifestReference() {
        if (digest != null) {
            return digest;
        }
        if (tag != null) {
            return tag;
        }
        throw new IllegalArgumentException("Image reference " + this + " has neither tag nor digest: add :tag or @sha256:<hex>");
    }

    @Override
    public String toString() {
        return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    private static IllegalArgumentException invalid(String reference, String problem) {
        return new IllegalArgumentException("Image reference '" + reference + "' is invalid: " + problem);
    }
}
