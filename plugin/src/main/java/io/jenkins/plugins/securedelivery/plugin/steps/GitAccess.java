package io.jenkins.plugins.securedelivery.plugin.steps;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import hudson.util.Secret;
import io.jenkins.plugins.securedelivery.gitops.GitCredentials;
import io.jenkins.plugins.securedelivery.gitops.GitOpsCommand;
import io.jenkins.plugins.securedelivery.plugin.config.Environment;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * An environment's GitOps repository as the agent reaches it: URL, branch, overlay and credentials resolved on the
 * controller from the global configuration and the step's overrides. Its {@code toString()} hides the secrets.
 */
record GitAccess(String environment, String repository, String branch, String overlayPath, String username,
                 String token, String sshPrivateKey, String sshPassphrase, String knownHosts, String commitUrl) implements Serializable {

    /**
     * The environment as configured, with what the step overrides; without configuration the step must name the
     * repository itself.
     */
    static GitAccess resolve(Run<?, ?> run, String environmentName, String repository, String credentialsId,
                             String branch, String overlayPath) throws AbortException {
        if (environmentName == null) {
            throw new AbortException("no environment was given: add environment: 'staging' (a name of the global configuration, or with repository:)");
        }
        Environment configured = SecureDeliveryConfiguration.get().environment(environmentName).orElse(null);
        if (configured != null && configured.getPromotionMode() == Environment.PromotionMode.PULL_REQUEST) {
            throw new AbortException("environment '" + environmentName + "' promotes by pull request, which this version "
                    + "cannot do yet: set its promotionMode to PUSH");
        }
        String repo = repository != null ? repository : configured == null ? null : configured.getRepository();
        if (repo == null) {
            throw new AbortException("environment '" + environmentName + "' is not in the global configuration "
                    + "(secureDelivery.environments) and the step names no repository: add it there, or give repository: '<GitOps URL>'");
        }
        // An environment's credentials belong to its repository: a step that names another repository names its own.
        String creds = credentialsId != null ? credentialsId
                : configured == null || repository != null ? null : configured.getCredentialsId();
        String user = null;
        String token = null;
        String key = null;
        String passphrase = null;
        if (creds != null) {
            IdCredentials c = StepCredentials.findAny(run, creds, "GitOps repository of " + environmentName,
                    StandardUsernamePasswordCredentials.class, SSHUserPrivateKey.class);
            if (c instanceof StandardUsernamePasswordCredentials up) {
                user = up.getUsername();
                token = up.getPassword().getPlainText();
            } else {
                SSHUserPrivateKey ssh = (SSHUserPrivateKey) c;
                Secret secret = ssh.getPassphrase();
                passphrase = secret == null || secret.getPlainText().isEmpty() ? null : secret.getPlainText();
                List<String> keys = ssh.getPrivateKeys();
                if (keys.isEmpty()) {
                    throw new AbortException("credentials '" + creds + "' hold no SSH private key");
                }
                key = keys.get(0);
            }
        }
        String known = configured == null ? null : configured.getKnownHosts();
        if (key != null && known == null) {
            throw new AbortException("environment '" + environmentName + "' reaches its repository by SSH but has no knownHosts: "
                    + "add the server's host key line (ssh-keyscan) to the environment");
        }
        return new GitAccess(environmentName, repo,
                branch != null ? branch : configured == null ? null : configured.getBranch(),
                overlayPath != null ? overlayPath : configured == null ? null : configured.getOverlayPath(),
                user, token, key, passphrase, known, configured == null ? null : configured.getCommitUrl());
    }

    /** Applies repository, environment, branch, overlay and credentials; SSH key files live in {@code files}. */
    <C extends GitOpsCommand<C, R>, R> C configure(C command, File workspace, SecretFiles files) throws IOException {
        String url = repository;
        File local = new File(repository);
        if (!repository.contains(":") && !local.isAbsolute()) {
            url = new File(workspace, repository).getAbsolutePath();
        }
        command.repository(url).environment(environment);
        if (branch != null) {
            command.branch(branch);
        }
        if (overlayPath != null) {
            command.overlayPath(overlayPath);
        }
        if (sshPrivateKey != null) {
            command.credentials(GitCredentials.sshKey(files.write("id_gitops", sshPrivateKey), files.write("known_hosts", knownHosts),
                    sshPassphrase == null ? null : PasswordSource.of(sshPassphrase.toCharArray())));
        } else if (username != null) {
            command.credentials(GitCredentials.token(username, token));
        } else {
            command.credentials(GitCredentials.none());
        }
        return command;
    }

    /** The commit's link, when the environment says how its repository links commits. */
    String linkTo(String commit) {
        return commitUrl == null || commit == null ? null : commitUrl.replace("{commit}", commit);
    }

    @Override
    public String toString() {
        return "GitOps repository " + repository + " for " + environment
                + (username != null ? " as " + username + " (token hidden)" : sshPrivateKey != null ? " by SSH key (hidden)" : "");
    }
}
