package io.jenkins.plugins.securedelivery.oci;

/**
 * A manifest or index exactly as stored: its bytes are what its digest is computed over, so they are never
 * re-serialised.
 *
 * @param mediaType the manifest's media type (from the registry's Content-Type or the manifest's own field)
 * @param bytes     the manifest as stored
 * @param digest    {@code sha256:<hex>} of {@code bytes}
 */
public record Manifest(String mediaType, byte[] bytes, String digest) {}
