package io.jenkins.plugins.securedelivery.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {

    private static final byte[] SAMPLE = "sample".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void signsWithTheDeterministicNonceOfRfc6979SoTheSameDataGivesTheSameSignature() throws Exception {
        // Given the P-256 key of RFC 6979 appendix A.2.5
        BigInteger x = new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16);
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        byte[] pkcs8 = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(x, parameters.getParameterSpec(ECParameterSpec.class)))
                .getEncoded();
        SigningKey key = KeyFiles.readSigningKey(Fixtures.writePem(dir.resolve("rfc6979.pem"), "PRIVATE KEY", pkcs8), PasswordSource.none());

        // When it signs the message "sample" with SHA-256, twice
        byte[] first = key.sign(SAMPLE);
        byte[] second = key.sign(SAMPLE);

        // Then both signatures are the RFC's (r, s), and the JDK's own verifier accepts them
        ASN1Sequence der = ASN1Sequence.getInstance(first);
        assertThat(ASN1Integer.getInstance(der.getObjectAt(0)).getValue())
                .isEqualTo(new BigInteger("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", 16));
        assertThat(ASN1Integer.getInstance(der.getObjectAt(1)).getValue())
                .isEqualTo(new BigInteger("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8", 16));
        assertThat(second).isEqualTo(first);
        Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        jdk.initVerify(KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(key.verificationKey().spki())));
        jdk.update(SAMPLE);
        assertThat(jdk.verify(first)).isTrue();
    }
}
