package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.gitops.CommitSigning;
import io.jenkins.plugins.securedelivery.gitops.GitOpsException;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How promotion and rollback commits are signed: an SSH key or a GPG key, or not at all. */
final class CommitSigningOptions {

    @Option(names = "--sign-with-ssh-key", paramLabel = "FILE", description = "Sign the commit with this unencrypted OpenSSH key (git's ssh signing format).")
    Path sshKey;

    @Option(names = "--sign-with-gpg-key", paramLabel = "FILE", description = "Sign the commit with this GPG secret key (gpg --export-secret-keys --armor).")
    Path gpgKey;

    @Option(names = "--gpg-passphrase-env", paramLabel = "VAR", description = "Environment variable holding the GPG key's passphrase. Default: GPG_PASSPHRASE when set.")
    String gpgPassphraseEnv;

    @Option(names = "--gpg-passphrase-file", paramLabel = "FILE", description = "File holding the GPG key's passphrase.")
    Path gpgPassphraseFile;

    /** The signing asked for, or null for unsigned commits. */
    CommitSigning signing() {
        if (sshKey != null && gpgKey != null) {
            throw new GitOpsException("--sign-with-ssh-key and --sign-with-gpg-key", "both were given", "sign with one key");
        }
        if (sshKey != null) {
            return CommitSigning.sshKey(sshKey);
        }
        if (gpgKey == null) {
            return null;
        }
        PasswordSource passphrase = gpgPassphraseEnv != null ? PasswordSource.environment(gpgPassphraseEnv)
                : gpgPassphraseFile != null ? PasswordSource.file(gpgPassphraseFile)
                : System.getenv("GPG_PASSPHRASE") != null ? PasswordSource.environment("GPG_PASSPHRASE")
                : PasswordSource.none();
        return CommitSigning.gpgKey(gpgKey, passphrase);
    }
}
