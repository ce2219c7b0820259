package io.jenkins.plugins.securedelivery.gitops;

import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How promotion commits are signed: with an SSH key (git's {@code gpg.format=ssh}; verifies with
 * {@code git verify-commit} given an allowed_signers file) or with a GPG key (OpenPGP, git's default format; verifies
 * with {@code git verify-commit} against the public key in the verifier's keyring).
 */
public final class CommitSigning {

    private final Path sshPrivateKey;
    private final GpgKey gpgKey;

    private CommitSigning(Path sshPrivateKey, GpgKey gpgKey) {
        this.sshPrivateKey = sshPrivateKey;
        this.gpgKey = gpgKey;
    }

    /** Signs with an unencrypted OpenSSH private key (the file, not the .pub beside it). */
    public static CommitSigning sshKey(Path privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (!Files.isReadable(privateKey)) {
            throw new GitOpsException(privateKey.toString(), "the SSH signing key cannot be read",
                    "give the path of an OpenSSH private key file");
        }
        return new CommitSigning(privateKey.toAbsolutePath(), null);
    }

    /**
     * Signs with the GPG secret key exported to {@code secretKeyFile} ({@code gpg --export-secret-keys --armor}),
     * unlocked now with {@code passphrase} ({@link PasswordSource#none()} for a key without one), so that a wrong
     * passphrase fails before anything is cloned.
     */
    public static CommitSigning gpgKey(Path secretKeyFile, PasswordSource passphrase) {
        Objects.requireNonNull(secretKeyFile, "secretKeyFile");
        if (!Files.isReadable(secretKeyFile)) {
            throw new GitOpsException(secretKeyFile.toString(), "the GPG signing key cannot be read",
                    "give the path of a secret key exported with gpg --export-secret-keys --armor");
        }
        return new CommitSigning(null, GpgKey.read(secretKeyFile, passphrase));
    }

    /** The SSH key file, or null when signing with GPG. */
    Path sshPrivateKey() {
        return sshPrivateKey;
    }

    /** The unlocked GPG key, or null when signing with SSH. */
    GpgKey gpgKey() {
        return gpgKey;
    }

    @Override
    public String toString() {
        return gpgKey != null ? gpgKey.toString() : "SSH signing key " + sshPrivateKey;
    }
}
