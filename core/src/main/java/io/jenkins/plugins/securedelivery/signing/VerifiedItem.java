package io.jenkins.plugins.securedelivery.signing;

/**
 * What verification found about one stored signature or attestation.
 *
 * @param kind          legacy signature, v3 signature bundle, or attestation
 * @param source        where it was found: the manifest digest and layer, as a user can look it up
 * @param predicateType the signed statement's predicate type (attestations and bundles), or null
 * @param status        OK, FAILED (it claims to be for this image but does not verify), or SKIPPED (not ours to judge:
 *                      made with a certificate, or with another key that the bundle names)
 * @param reason        why, in a sentence naming the value that decided it
 */
public record VerifiedItem(Kind kind, String source, String predicateType, Status status, String reason) {

    public enum Kind { LEGACY_SIGNATURE, SIGNATURE_BUNDLE, ATTESTATION }

    public enum Status { OK, FAILED, SKIPPED }

    /** True for a signature (legacy or bundle), false for an attestation. */
    public boolean isSignature() {
        return kind != Kind.ATTESTATION;
    }

    @Override
    public String toString() {
        return status + " " + kind.name().toLowerCase().replace('_', ' ')
                + (predicateType == null || kind == Kind.LEGACY_SIGNATURE ? "" : " (" + predicateType + ")")
                + " at " + source + ": " + reason;
    }
}
