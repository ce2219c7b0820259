package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.gitops.GitCredentials;
import io.jenkins.plugins.securedelivery.gitops.GitOpsCommand;
import io.jenkins.plugins.securedelivery.gitops.GitOpsException;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The GitOps repository and how to reach it; shared by promote, rollback, history and dora. */
final class GitOpsOptions {

    @Option(names = "--repo", required = true, paramLabel = "URL", description = "The GitOps repository: https://, ssh://, file:// or a local path.")
    String repository;

    @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment: dev, staging, prod...")
    String environment;

    @Option(names = "--path", paramLabel = "DIR", description = "The environment's overlay directory. Default: deploy/kustomize/overlays/ENV.")
    String overlayPath;

    @Option(names = "--branch", paramLabel = "BRANCH", description = "The branch Argo CD follows. Default: the repository's default branch.")
    String branch;

    @Option(names = "--git-username", paramLabel = "USER", description = "HTTPS user (with --git-token-env or --git-token-file).")
    String username;

    @Option(names = "--git-token-env", paramLabel = "VAR", description = "Environment variable holding the HTTPS token or password.")
    String tokenEnv;

    @Option(names = "--git-token-file", paramLabel = "FILE", description = "File holding the HTTPS token or password.")
    Path tokenFile;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "OpenSSH private key for ssh:// URLs (with --known-hosts).")
    Path sshKey;

    @Option(names = "--ssh-key-passphrase-env", paramLabel = "VAR", description = "Environment variable holding the SSH key's passphrase (for an encrypted key).")
    String sshPassphraseEnv;

    @Option(names = "--ssh-key-passphrase-file", paramLabel = "FILE", description = "File holding the SSH key's passphrase (for an encrypted key).")
    Path sshPassphraseFile;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts with the server's host key; unknown hosts are refused.")
    Path knownHosts;

    /** Applies the repository, environment, overlay, branch and credentials to a command. */
    <C extends GitOpsCommand<C, R>, R> C configure(C command) throws IOException {
        command.repository(repository).environment(environment).credentials(credentials());
        if (overlayPath != null) {
            command.overlayPath(overlayPath);
        }
        if (branch != null) {
            command.branch(branch);
        }
        return command;
    }

    GitCredentials credentials() throws IOException {
        if (sshKey != null) {
            if (knownHosts == null) {
                throw new GitOpsException("--ssh-key " + sshKey, "no --known-hosts was given", "give the known_hosts file holding the server's host key");
            }
            PasswordSource passphrase = sshPassphraseEnv != null ? PasswordSource.environment(sshPassphraseEnv)
                    : sshPassphraseFile != null ? PasswordSource.file(sshPassphraseFile) : null;
            return GitCredentials.sshKey(sshKey, knownHosts, passphrase);
        }
        if (username == null) {
            return GitCredentials.none();
        }
        if (tokenEnv != null) {
            String token = System.getenv(tokenEnv);
            if (token == null) {
                throw new GitOpsException("--git-token-env " + tokenEnv, "the variable is not set", "export it with the token");
            }
            return GitCredentials.token(username, token);
        }
        if (tokenFile != null) {
            return GitCredentials.token(username, Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
        }
        throw new GitOpsException("--git-username " + username, "no token was given", "add --git-token-env VAR or --git-token-file FILE");
    }
}
