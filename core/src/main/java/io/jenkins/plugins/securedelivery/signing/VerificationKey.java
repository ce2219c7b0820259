package io.jenkins.plugins.securedelivery.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * A public ECDSA P-256 key that signatures are verified with: what {@code cosign.pub} holds.
 */
public final class VerificationKey {

    private final ECPublicKey key;

    VerificationKey(ECPublicKey key) {
        this.key = key;
    }

    /** The SubjectPublicKeyInfo DER encoding. */
    public byte[] spki() {
        return key.getEncoded();
    }

    /** The key as a {@code PUBLIC KEY} PEM file, byte for byte what {@code cosign generate-key-pair} writes to cosign.pub. */
    public String pem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(spki())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /**
     * The key hint a Sigstore bundle names it by: base64 of the SHA-256 of the SPKI DER, as cosign and sigstore-go
     * write in {@code verificationMaterial.publicKey.hint}.
     */
    public String hint() {
        return Base64.getEncoder().encodeToString(sha256(spki()));
    }

    /** Whether {@code signature} (ASN.1 DER) is this key's ECDSA P-256 SHA-256 signature of {@code data}. */
    public boolean verifies(byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // A malformed DER signature is a signature that does not verify, not an error of the verifier.
            return false;
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VerificationKey that && Arrays.equals(spki(), that.spki());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spki());
    }

    @Override
    public String toString() {
        return "ECDSA P-256 public key " + hint();
    }
}
