/**
 * Signing and verifying container images the way cosign stores it, as pure functions over bytes (no registry I/O).
 * <ul>
 *   <li>{@link io.jenkins.plugins.securedelivery.signing.KeyFiles}: read and generate keys (cosign.key, cosign.pub,
 *       PEM EC P-256), with a {@link io.jenkins.plugins.securedelivery.signing.PasswordSource};</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.signing.ImageSigner}: what to store for a legacy
 *       {@code sha256-<hex>.sig} signature, a cosign v3 signature bundle, or an attestation, as
 *       {@link io.jenkins.plugins.securedelivery.signing.OciArtifact}s;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.signing.KeyVerifier}: verify what was fetched back into a
 *       {@link io.jenkins.plugins.securedelivery.signing.VerificationReport} of
 *       {@link io.jenkins.plugins.securedelivery.signing.VerifiedItem}s.</li>
 * </ul>
 */
package io.jenkins.plugins.securedelivery.signing;
