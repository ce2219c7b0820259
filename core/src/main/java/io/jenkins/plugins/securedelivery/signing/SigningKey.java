package io.jenkins.plugins.securedelivery.signing;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * A private ECDSA P-256 key and its public half. It signs; it is never printed: {@link #toString()} shows the public
 * key's hint only.
 */
public final class SigningKey {

    // Not registered globally: inside Jenkins the bouncycastle-api plugin owns the JVM's provider list.
    private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();

    private final ECPrivateKey key;
    private final VerificationKey verificationKey;

    SigningKey(ECPrivateKey key, VerificationKey verificationKey) {
        this.key = key;
        this.verificationKey = verificationKey;
    }

    public VerificationKey verificationKey() {
        return verificationKey;
    }

    /**
     * The ECDSA P-256 SHA-256 signature of {@code data}, ASN.1 DER encoded as cosign writes it. The nonce is derived
     * from the key and the data (RFC 6979), so the same data gives the same signature: signed evidence bundles are
     * reproducible byte for byte, and no weak random number generator can leak the key. Verifiers see plain ECDSA.
     */
    public byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDDSA", BOUNCY_CASTLE);
            signer.initSign(key);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the Java runtime cannot make ECDSA P-256 signatures", e);
        }
    }

    /** PKCS#8 DER of the private key, for writing an encrypted key file. */
    byte[] pkcs8() {
        return key.getEncoded();
    }

    @Override
    public String toString() {
        return "signing key for " + verificationKey;
    }
}
