package io.jenkins.plugins.securedelivery.gitops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How promotion commits are signed. SSH signatures (git's {@code gpg.format=ssh}) are made by JGit's signer and
 * verify with {@code git verify-commit} given an allowed_signers file.
 */
public final class CommitSigning {

    private final Path sshPrivateKey;

    private CommitSigning(Path sshPrivateKey) {
        this.sshPrivateKey = sshPrivateKey;
    }

    /** Signs with an unencrypted OpenSSH private key (the file, not the .pub beside it). */
    public static CommitSigning sshKey(Path privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (!Files.isReadable(privateKey)) {
            throw new GitOpsException(privateKey.toString(), "the SSH signing key cannot be read",
                    "give the path of an OpenSSH private key file");
        }
        return new CommitSigning(privateKey.toAbsolutePath());
    }

    Path sshPrivateKey() {
        return sshPrivateKey;
    }

    @Override
    public String toString() {
        return "SSH signing key " + sshPrivateKey;
    }
}
