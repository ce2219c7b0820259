package io.jenkins.plugins.securedelivery.gitops;

import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.Locale;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.util.encoders.Hex;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * An OpenPGP secret key from an exported key file ({@code gpg --export-secret-keys --armor}), unlocked once, that
 * signs commits as {@code git commit -S} does. Written against Bouncy Castle rather than JGit's own GPG signer because
 * that one reads keys only from the JVM-wide {@code GNUPGHOME}, and a Jenkins controller signs with a different key per
 * environment, taken from a credential.
 */
final class GpgKey implements Signer {

    private final PGPPrivateKey privateKey;
    private final PGPPublicKey publicKey;

    private GpgKey(PGPPrivateKey privateKey, PGPPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Reads {@code file} and unlocks its first signing-capable secret key; a wrong passphrase fails here, before any git work. */
    static GpgKey read(Path file, PasswordSource passphrase) {
        PGPSecretKeyRingCollection rings;
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            rings = new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException | RuntimeException e) {
            throw new GitOpsException(file.toString(), "is not an OpenPGP secret key file",
                    "export the key with: gpg --export-secret-keys --armor KEY-ID > key.asc");
        }
        PGPSecretKey secretKey = signingKey(rings);
        if (secretKey == null) {
            throw new GitOpsException(file.toString(), "holds no secret key that can sign (only public keys, or stubs of keys kept on a card)",
                    "export a key whose secret part is on this machine: gpg --export-secret-keys --armor KEY-ID");
        }
        byte[] utf8 = passphrase.read(file.toString());
        char[] chars = new String(utf8, java.nio.charset.StandardCharsets.UTF_8).toCharArray();
        try {
            PGPPrivateKey unlocked = secretKey.extractPrivateKey(
                    new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(chars));
            return new GpgKey(unlocked, secretKey.getPublicKey());
        } catch (PGPException e) {
            throw new GitOpsException(file.toString(), "the passphrase does not unlock the GPG key " + fingerprint(secretKey.getPublicKey()),
                    "give the key's passphrase (" + passphrase + ")");
        } finally {
            Arrays.fill(utf8, (byte) 0);
            Arrays.fill(chars, '\0');
        }
    }

    private static PGPSecretKey signingKey(PGPSecretKeyRingCollection rings) {
        for (Iterator<PGPSecretKeyRing> ringIt = rings.getKeyRings(); ringIt.hasNext(); ) {
            for (Iterator<PGPSecretKey> keyIt = ringIt.next().getSecretKeys(); keyIt.hasNext(); ) {
                PGPSecretKey key = keyIt.next();
                if (key.isSigningKey() && !key.isPrivateKeyEmpty() && canSign(key.getPublicKey())) {
                    return key;
                }
            }
        }
        return null;
    }

    /** Key flags, when present, must allow signing (gpg's primary keys do; encryption subkeys do not). */
    private static boolean canSign(PGPPublicKey key) {
        for (Iterator<PGPSignature> it = key.getSignatures(); it.hasNext(); ) {
            PGPSignature signature = it.next();
            if (signature.getHashedSubPackets() != null && signature.getHashedSubPackets().getKeyFlags() != 0) {
                return (signature.getHashedSubPackets().getKeyFlags() & org.bouncycastle.bcpg.sig.KeyFlags.SIGN_DATA) != 0;
            }
        }
        return true;
    }

    String fingerprint() {
        return fingerprint(publicKey);
    }

    private static String fingerprint(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(Locale.ROOT);
    }

    @Override
    public GpgSignature sign(Repository repository, GpgConfig config, byte[] data, PersonIdent committer, String signingKey,
            CredentialsProvider credentials) throws IOException {
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(publicKey.getAlgorithm(), HashAlgorithmTags.SHA256), publicKey);
            generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setIssuerFingerprint(false, publicKey);
            hashed.setSignatureCreationTime(false, committer != null ? Date.from(committer.getWhenAsInstant()) : new Date());
            generator.setHashedSubpackets(hashed.generate());
            generator.update(data);
            ByteArrayOutputStream armored = new ByteArrayOutputStream();
            try (ArmoredOutputStream out = ArmoredOutputStream.builder().clearHeaders().build(armored)) {
                generator.generate().encode(out);
            }
            return new GpgSignature(armored.toByteArray());
        } catch (PGPException e) {
            throw new IOException("the GPG key " + fingerprint() + " cannot sign: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean canLocateSigningKey(Repository repository, GpgConfig config, PersonIdent committer, String signingKey,
            CredentialsProvider credentials) {
        return true;
    }

    @Override
    public String toString() {
        return "GPG key " + fingerprint();
    }
}
