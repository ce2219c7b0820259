package io.jenkins.plugins.securedelivery.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

    private static final byte[] MESSAGE = "payload".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void decryptsAKeyGeneratedByCosignWithAnEmptyPassword() {
        SigningKey key = KeyFiles.readSigningKey(Fixtures.file("cosign-generated-empty-password.key"), PasswordSource.none());

        assertThat(key.verificationKey().verifies(MESSAGE, key.sign(MESSAGE))).isTrue();
    }

    @Test
    void decryptsTheOlderEncryptedCosignKeyFormatWithItsPassword() {
        SigningKey key = KeyFiles.readSigningKey(Fixtures.file("cosign-legacy-password-123.key"), PasswordSource.of("123".toCharArray()));

        assertThat(key.verificationKey().verifies(MESSAGE, key.sign(MESSAGE))).isTrue();
    }

    @Test
    void aWrongPasswordIsRefusedWithoutPrintingIt() {
        Path file = Fixtures.file("cosign-legacy-password-123.key");

        assertThatThrownBy(() -> KeyFiles.readSigningKey(file, PasswordSource.of("hunter2".toCharArray())))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("does not decrypt this key")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void thePasswordComesFromAnEnvironmentVariableAndAnUnsetOneIsNamed() {
        Path file = Fixtures.file("cosign-legacy-password-123.key");

        SigningKey key = KeyFiles.readSigningKey(file, PasswordSource.environment("COSIGN_PASSWORD", Map.of("COSIGN_PASSWORD", "123")));
        assertThat(key.verificationKey().verifies(MESSAGE, key.sign(MESSAGE))).isTrue();

        assertThatThrownBy(() -> KeyFiles.readSigningKey(file, PasswordSource.environment("COSIGN_PASSWORD", Map.of())))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("environment variable COSIGN_PASSWORD is not set");
    }

    @Test
    void thePasswordComesFromAFileWithoutItsTrailingLineBreak() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "123\n");

        SigningKey key = KeyFiles.readSigningKey(Fixtures.file("cosign-legacy-password-123.key"), PasswordSource.file(password));

        assertThat(key.verificationKey().verifies(MESSAGE, key.sign(MESSAGE))).isTrue();
    }

    @Test
    void generatesAnEncryptedKeyPairInCosignsFormatThatReadsBack() throws Exception {
        PasswordSource password = PasswordSource.of("s3cret".toCharArray());

        KeyFiles.GeneratedKeyPair pair = KeyFiles.generate(dir, "cosign", password);

        String keyFile = Files.readString(pair.privateKeyFile());
        assertThat(keyFile).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n").endsWith("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
        JsonNode body = new ObjectMapper().readTree(Base64.getMimeDecoder().decode(keyFile.replaceAll("-----[A-Z ]+-----", "")));
        assertThat(body.path("kdf").path("name").asText()).isEqualTo("scrypt");
        assertThat(body.path("kdf").path("params").toString()).isEqualTo("{\"N\":65536,\"r\":8,\"p\":1}");
        assertThat(body.path("cipher").path("name").asText()).isEqualTo("nacl/secretbox");
        assertThat(Files.getPosixFilePermissions(pair.privateKeyFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        SigningKey key = KeyFiles.readSigningKey(pair.privateKeyFile(), password);
        VerificationKey published = KeyFiles.readVerificationKey(pair.publicKeyFile());
        assertThat(published).isEqualTo(key.verificationKey()).isEqualTo(pair.verificationKey());
        assertThat(published.verifies(MESSAGE, key.sign(MESSAGE))).isTrue();
        assertThat(Files.readString(pair.publicKeyFile())).isEqualTo(published.pem());
    }

    @Test
    void generateNeverOverwritesAnExistingKey() throws Exception {
        Files.writeString(dir.resolve("cosign.key"), "precious");

        assertThatThrownBy(() -> KeyFiles.generate(dir, "cosign", PasswordSource.none()))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("exists already");
        assertThat(Files.readString(dir.resolve("cosign.key"))).isEqualTo("precious");
    }

    @Test
    void readsPlainPkcs8AndSec1EcKeysAsOpensslWritesThem() throws Exception {
        SigningKey pkcs8 = KeyFiles.readSigningKey(Fixtures.file("ecdsa-p256-pkcs8.pem"), PasswordSource.none());
        // SEC1 as openssl ec writes it: the scalar, the curve's name and the public point.
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8.pkcs8());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        var point = new org.bouncycastle.asn1.DERBitString(
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pkcs8.verificationKey().spki()).getPublicKeyData().getBytes());
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), point, info.getPrivateKeyAlgorithm().getParameters()).getEncoded();
        Path sec1File = Fixtures.writePem(dir.resolve("sec1.pem"), "EC PRIVATE KEY", sec1);

        SigningKey fromSec1 = KeyFiles.readSigningKey(sec1File, PasswordSource.none());

        assertThat(fromSec1.verificationKey()).isEqualTo(pkcs8.verificationKey());
        assertThat(pkcs8.verificationKey().verifies(MESSAGE, fromSec1.sign(MESSAGE))).isTrue();
    }

    @Test
    void refusesP384KeysNamingTheCurve() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        Path file = Fixtures.writePem(dir.resolve("p384.pem"), "PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded());

        assertThatThrownBy(() -> KeyFiles.readSigningKey(file, PasswordSource.none()))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("curve secp384r1")
                .hasMessageContaining("only P-256");
    }

    @Test
    void refusesRsaKeysInBothPemForms() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
        Path pkcs8File = Fixtures.writePem(dir.resolve("rsa.pem"), "PRIVATE KEY", pkcs8);
        Path pkcs1File = Fixtures.writePem(dir.resolve("rsa1.pem"), "RSA PRIVATE KEY",
                PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded());

        for (Path file : new Path[] {pkcs8File, pkcs1File}) {
            assertThatThrownBy(() -> KeyFiles.readSigningKey(file, PasswordSource.none()))
                    .isInstanceOf(KeyFileException.class)
                    .hasMessageContaining("RSA key; only ECDSA P-256 keys are supported");
        }
    }

    @Test
    void refusesEd25519Keys() {
        assertThatThrownBy(() -> KeyFiles.readSigningKey(Fixtures.file("ed25519-private.pem"), PasswordSource.none()))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("Ed25519");
    }

    @Test
    void aPublicKeyWhereAPrivateOneIsNeededIsNamedAsSuch() {
        assertThatThrownBy(() -> KeyFiles.readSigningKey(Fixtures.file("cosign-3.1.1-attestation-signer.pub"), PasswordSource.none()))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("this is a public key; signing needs the private key");
    }

    @Test
    void aPrivateKeyWhereAPublicOneIsNeededIsRefused() {
        assertThatThrownBy(() -> KeyFiles.readVerificationKey(Fixtures.file("ecdsa-p256-pkcs8.pem")))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("this is a private key; verification needs the public key");
    }

    @Test
    void garbageIsNotAKeyFile() throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.key"), new byte[] {0, 1, 2, (byte) 0xff, 'x'});
        Path damaged = Files.writeString(dir.resolve("damaged.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> KeyFiles.readSigningKey(garbage, PasswordSource.none()))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("not a PEM key file");
        assertThatThrownBy(() -> KeyFiles.readSigningKey(damaged, PasswordSource.none()))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("damaged");
        assertThatThrownBy(() -> KeyFiles.readSigningKey(dir.resolve("absent.key"), PasswordSource.none()))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("cannot be read");
    }

    @Test
    void aKeyHeldInMemoryIsReadAndNamedInErrorsAsTheCallerNamesIt() {
        SigningKey key = KeyFiles.readSigningKey("credential cosign-key", Fixtures.bytes("cosign-legacy-password-123.key"),
                PasswordSource.of("123".toCharArray()));
        VerificationKey published = KeyFiles.readVerificationKey("credential cosign-pub", key.verificationKey().pem().getBytes(StandardCharsets.US_ASCII));

        assertThat(published.verifies(MESSAGE, key.sign(MESSAGE))).isTrue();
        assertThatThrownBy(() -> KeyFiles.readSigningKey("credential cosign-key", "nope".getBytes(StandardCharsets.US_ASCII), PasswordSource.none()))
                .isInstanceOf(KeyFileException.class).hasMessageStartingWith("credential cosign-key: not a PEM key file");
    }

    @Test
    void keysNeverPrintTheirSecret() {
        SigningKey key = KeyFiles.readSigningKey(Fixtures.file("ecdsa-p256-pkcs8.pem"), PasswordSource.none());
        String secretBase64 = Base64.getEncoder().encodeToString(key.pkcs8());

        assertThat(key.toString()).contains(key.verificationKey().hint()).doesNotContain(secretBase64.substring(40, 60));
        assertThat(PasswordSource.of("s3cret".toCharArray()).toString()).doesNotContain("s3cret");
    }

    @Test
    void theHintIsTheSha256OfTheKeyAsCosignWritesIt() {
        VerificationKey key = KeyFiles.readVerificationKey(Fixtures.file("cosign-3.1.1-attestation-signer.pub"));

        // The hint cosign v3.1.1 wrote in the fixture bundle made with this key.
        assertThat(key.hint()).isEqualTo("fYFIQiufK3pw8Fb/rvRDv5DqUCqf/CQKkrEEb8XqJpo=");
    }
}
