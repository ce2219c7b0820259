package io.jenkins.plugins.securedelivery.gitops;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to authenticate to the GitOps repository: nothing (local paths, file:// and anonymous servers), a username and
 * a token for https, or an SSH private key checked against a known_hosts file for ssh. Its {@code toString()} never
 * shows the token.
 */
public final class GitCredentials {

    private final String username;
    private final char[] token;
    private final Path privateKey;
    private final Path knownHosts;

    private GitCredentials(String username, char[] token, Path privateKey, Path knownHosts) {
        this.username = username;
        this.token = token;
        this.privateKey = privateKey;
        this.knownHosts = knownHosts;
    }

    public static GitCredentials none() {
        return new GitCredentials(null, null, null, null);
    }

    /** A username and a token (or password) for https. */
    public static GitCredentials token(String username, String token) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(token, "token");
        return new GitCredentials(username, token.toCharArray(), null, null);
    }

    /**
     * An unencrypted OpenSSH private key for ssh URLs; the server's host key must be in {@code knownHosts} (unknown or
     * changed host keys are refused, never learned).
     */
    public static GitCredentials sshKey(Path privateKey, Path knownHosts) {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(knownHosts, "knownHosts");
        return new GitCredentials(null, null, privateKey, knownHosts);
    }

    String username() {
        return username;
    }

    char[] tokenChars() {
        return token;
    }

    Path privateKey() {
        return privateKey;
    }

    Path knownHosts() {
        return knownHosts;
    }

    @Override
    public String toString() {
        if (token != null) {
            return "token for " + username + " (hidden)";
        }
        return privateKey != null ? "SSH key " + privateKey + " with known hosts " + knownHosts : "no credentials";
    }
}
