package io.jenkins.plugins.securedelivery.oci;

/**
 * An image reference, normalised as Docker does ({@code nginx} is {@code docker.io/library/nginx:latest}).
 * To be completed: parsing, normalisation and validation (registry, repository, tag, digest).
 *
 * @param registry   host[:port], e.g. {@code docker.io}, {@code localhost:5000}
 * @param repository e.g. {@code library/nginx}, {@code org/medical-platform}
 * @param tag        the tag, or null
 * @param digest     {@code sha256:<hex>}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {}
