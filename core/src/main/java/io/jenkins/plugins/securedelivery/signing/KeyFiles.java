package io.jenkins.plugins.securedelivery.signing;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reads and writes the key files cosign users have: {@code cosign.key} (PEM {@code ENCRYPTED SIGSTORE PRIVATE KEY},
 * or the older {@code ENCRYPTED COSIGN PRIVATE KEY}), plain PEM EC private keys (PKCS#8 {@code PRIVATE KEY} and SEC1
 * {@code EC PRIVATE KEY}, as openssl writes them) and {@code cosign.pub} (SPKI {@code PUBLIC KEY}).
 * <p>
 * Only ECDSA P-256 keys are accepted: cosign's default and the one algorithm every Sigstore verifier accepts for a
 * public-key bundle; RSA, Ed25519 and other curves are refused with a message saying so.
 */
public final class KeyFiles {

    private static final String SIGSTORE_ENCRYPTED = "ENCRYPTED SIGSTORE PRIVATE KEY";
    private static final String COSIGN_ENCRYPTED = "ENCRYPTED COSIGN PRIVATE KEY";
    private static final String REGENERATE = "use an ECDSA P-256 key: cosign generate-key-pair, or openssl ecparam -name prime256v1 -genkey";

    private KeyFiles() {}

    /** A key pair written by {@link #generate}: the two files. */
    public record GeneratedKeyPair(Path privateKeyFile, Path publicKeyFile, VerificationKey verificationKey) {}

    /** Reads a private key for signing; encrypted cosign keys are decrypted with the password from {@code password}. */
    public static SigningKey readSigningKey(Path file, PasswordSource password) {
        return readSigningKey(file.toString(), read(file), password);
    }

    /**
     * Reads a private key held in memory, e.g. a Jenkins secret file credential.
     *
     * @param name what the user calls the key (a credential id), for messages
     */
    public static SigningKey readSigningKey(String name, byte[] pemFile, PasswordSource password) {
        PemObject pem = parsePem(name, pemFile);
        byte[] pkcs8 = switch (pem.getType()) {
            case SIGSTORE_ENCRYPTED, COSIGN_ENCRYPTED -> decrypt(name, pem.getContent(), password);
            case "PRIVATE KEY" -> pem.getContent();
            case "EC PRIVATE KEY" -> sec1ToPkcs8(name, pem.getContent());
            case "PUBLIC KEY" -> throw new KeyFileException(name, "this is a public key; signing needs the private key",
                    "give the private key file (cosign.key), not cosign.pub");
            case "RSA PRIVATE KEY" -> throw new KeyFileException(name, "this is an RSA key; only ECDSA P-256 keys are supported", REGENERATE);
            case "ENCRYPTED PRIVATE KEY" -> throw new KeyFileException(name, "this is a PKCS#8 key encrypted by openssl, which is not supported",
                    "decrypt it with openssl pkcs8 -in KEY -out plain.pem, or import it with cosign import-key-pair");
            case "OPENSSH PRIVATE KEY" -> throw new KeyFileException(name, "this is an OpenSSH key; only ECDSA P-256 keys are supported", REGENERATE);
            default -> throw new KeyFileException(name, "PEM block '" + pem.getType() + "' is not a private key", REGENERATE);
        };
        try {
            return signingKey(name, pkcs8);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** Reads a public key ({@code cosign.pub}) for verification. */
    public static VerificationKey readVerificationKey(Path file) {
        return readVerificationKey(file.toString(), read(file));
    }

    /** Reads a public key held in memory; {@code name} is what the user calls it, for messages. */
    public static VerificationKey readVerificationKey(String name, byte[] pemFile) {
        PemObject pem = parsePem(name, pemFile);
        if (!pem.getType().equals("PUBLIC KEY")) {
            if (pem.getType().contains("PRIVATE KEY")) {
                throw new KeyFileException(name, "this is a private key; verification needs the public key",
                        "give the public key file (cosign.pub); never hand a private key to a verifier");
            }
            throw new KeyFileException(name, "PEM block '" + pem.getType() + "' is not a public key", "give the public key file (cosign.pub)");
        }
        SubjectPublicKeyInfo spki;
        try {
            spki = SubjectPublicKeyInfo.getInstance(pem.getContent());
        } catch (RuntimeException e) {
            throw new KeyFileException(name, "the public key is damaged (not a SubjectPublicKeyInfo)", "export it again: cosign public-key --key cosign.key");
        }
        requireP256(name, spki.getAlgorithm());
        try {
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(pem.getContent()));
            return new VerificationKey(key);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new KeyFileException(name, "the public key is damaged (not a point on P-256)", "export it again: cosign public-key --key cosign.key");
        }
    }

    /**
     * Generates an ECDSA P-256 key pair and writes it as cosign generate-key-pair does: {@code <prefix>.key}
     * (encrypted with the password, owner-only permissions) and {@code <prefix>.pub}. Existing files are never
     * overwritten: losing a signing key cannot be undone.
     */
    public static GeneratedKeyPair generate(Path directory, String prefix, PasswordSource password) {
        Path keyFile = directory.resolve(prefix + ".key");
        Path pubFile = directory.resolve(prefix + ".pub");
        for (Path existing : new Path[] {keyFile, pubFile}) {
            if (Files.exists(existing)) {
                throw new KeyFileException(existing.toString(), "the file exists already and would be overwritten",
                        "move it away or choose another prefix");
            }
        }
        SecureRandom random = new SecureRandom();
        SigningKey key;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            var pair = generator.generateKeyPair();
            key = new SigningKey((ECPrivateKey) pair.getPrivate(), new VerificationKey((ECPublicKey) pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the Java runtime cannot generate P-256 keys", e);
        }
        byte[] secret = password.read(keyFile.toString());
        byte[] pkcs8 = key.pkcs8();
        try {
            byte[] body = CosignKeyEncryption.encrypt(pkcs8, secret, random);
            writeNew(keyFile, pem(SIGSTORE_ENCRYPTED, body), true);
            writeNew(pubFile, key.verificationKey().pem().getBytes(StandardCharsets.US_ASCII), false);
        } finally {
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(pkcs8, (byte) 0);
        }
        return new GeneratedKeyPair(keyFile, pubFile, key.verificationKey());
    }

    private static byte[] decrypt(String name, byte[] body, PasswordSource password) {
        byte[] secret = password.read(name);
        try {
            return CosignKeyEncryption.decrypt(name, body, secret);
        } catch (CosignKeyEncryption.WrongPassword e) {
            throw new KeyFileException(name, "the password (from " + password + ") does not decrypt this key",
                    "give the password the key was generated with; the file may also be damaged");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KeyFileException(file.toString(), "the key file cannot be read (" + e.getClass().getSimpleName() + ")",
                    "check the path and that the file is readable");
        }
    }

    private static PemObject parsePem(String name, byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        PemObject pem;
        try (PemReader reader = new PemReader(new StringReader(text))) {
            pem = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            pem = null;
        }
        if (pem == null) {
            throw new KeyFileException(name, "not a PEM key file (no -----BEGIN ...----- block)",
                    "give a PEM file: cosign.key, cosign.pub, or an openssl EC key");
        }
        return pem;
    }

    private static byte[] sec1ToPkcs8(String name, byte[] sec1) {
        try {
            var ecKey = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sec1);
            if (ecKey.getParametersObject() == null) {
                throw new KeyFileException(name, "the EC private key does not name its curve", REGENERATE);
            }
            var algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, ecKey.getParametersObject());
            return new PrivateKeyInfo(algorithm, ecKey).getEncoded();
        } catch (IOException | RuntimeException e) {
            if (e instanceof KeyFileException k) throw k;
            throw new KeyFileException(name, "the EC private key is damaged (not SEC1 DER)", REGENERATE);
        }
    }

    private static SigningKey signingKey(String name, byte[] pkcs8) {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(pkcs8);
        } catch (RuntimeException e) {
            throw new KeyFileException(name, "the private key is damaged (not PKCS#8 DER)", REGENERATE);
        }
        if (info == null) {
            throw new KeyFileException(name, "the private key is empty", REGENERATE);
        }
        requireP256(name, info.getPrivateKeyAlgorithm());
        try {
            ECPrivateKey privateKey = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new SigningKey(privateKey, new VerificationKey(publicHalf(privateKey)));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new KeyFileException(name, "the private key is damaged (not a P-256 scalar)", REGENERATE);
        }
    }

    /** Q = d·G: PKCS#8 files need not carry the public key, and SEC1's optional copy is not trusted. */
    private static ECPublicKey publicHalf(ECPrivateKey privateKey) throws GeneralSecurityException {
        X9ECParameters curve = ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1);
        var q = curve.getG().multiply(privateKey.getS()).normalize();
        var point = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, privateKey.getParams()));
    }

    private static void requireP256(String name, AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            throw new KeyFileException(name, "this is an RSA key; only ECDSA P-256 keys are supported", REGENERATE);
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519) || oid.equals(EdECObjectIdentifiers.id_Ed448)) {
            throw new KeyFileException(name, "this is an Ed25519/Ed448 key; only ECDSA P-256 keys are supported", REGENERATE);
        }
        if (!oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            throw new KeyFileException(name, "the key's algorithm " + oid + " is not supported; only ECDSA P-256 keys are", REGENERATE);
        }
        var parameters = algorithm.getParameters();
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            throw new KeyFileException(name, "the EC key does not name its curve (explicit parameters)", REGENERATE);
        }
        if (!curve.equals(SECObjectIdentifiers.secp256r1)) {
            String curveName = ECNamedCurveTable.getName(curve);
            throw new KeyFileException(name, "the EC key is on curve " + (curveName == null ? curve.getId() : curveName)
                    + "; only P-256 (prime256v1) is supported, cosign's default", REGENERATE);
        }
    }

    private static byte[] pem(String type, byte[] body) {
        return ("-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(body)
                + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Written to a temporary name and moved, so a crash leaves no half-written key. */
    private static void writeNew(Path file, byte[] content, boolean secret) {
        Path directory = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            try {
                if (secret) {
                    try {
                        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException notPosix) {
                        // Windows: the directory's ACL applies.
                    }
                }
                Files.write(temporary, content);
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException(file.toString(), "the file exists already and would be overwritten", "move it away or choose another prefix");
        } catch (IOException e) {
            throw new KeyFileException(file.toString(), "the key file cannot be written (" + e.getClass().getSimpleName() + ")",
                    "check that the directory exists and is writable");
        }
    }
}
