package io.jenkins.plugins.securedelivery.gitops;

import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Objects;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

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
    private final PasswordSource passphrase;

    private GitCredentials(String username, char[] token, Path privateKey, Path knownHosts, PasswordSource passphrase) {
        this.username = username;
        this.token = token;
        this.privateKey = privateKey;
        this.knownHosts = knownHosts;
        this.passphrase = passphrase;
    }

    public static GitCredentials none() {
        return new GitCredentials(null, null, null, null, null);
    }

    /** A username and a token (or password) for https. */
    public static GitCredentials token(String username, String token) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(token, "token");
        return new GitCredentials(username, token.toCharArray(), null, null, null);
    }

    /**
     * An unencrypted OpenSSH private key for ssh URLs; the server's host key must be in {@code knownHosts} (unknown or
     * changed host keys are refused, never learned).
     */
    public static GitCredentials sshKey(Path privateKey, Path knownHosts) {
        return sshKey(privateKey, knownHosts, null);
    }

    /**
     * An OpenSSH private key protected by a passphrase (null for an unencrypted key); the passphrase is read when the
     * key is loaded, and a wrong one fails the connection without a retry.
     */
    public static GitCredentials sshKey(Path privateKey, Path knownHosts, PasswordSource passphrase) {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(knownHosts, "knownHosts");
        if (passphrase != null) {
            unlocks(privateKey, passphrase);
        }
        return new GitCredentials(null, null, privateKey, knownHosts, passphrase);
    }

    /** Loads the key once, with the SSH library JGit uses, so that a wrong passphrase fails before any connection. */
    private static void unlocks(Path privateKey, PasswordSource passphrase) {
        byte[] utf8 = passphrase.read(privateKey.toString());
        try (InputStream in = Files.newInputStream(privateKey)) {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(privateKey.toString()), in,
                    FilePasswordProvider.of(new String(utf8, StandardCharsets.UTF_8)));
            if (keys == null || !keys.iterator().hasNext()) {
                throw new GeneralSecurityException("no key");
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new GitOpsException(privateKey.toString(),
                    "the SSH key cannot be loaded with the passphrase given (" + passphrase + "): a wrong passphrase, or not an OpenSSH private key",
                    "give the key's passphrase, or the private key file ssh-keygen wrote");
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
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

    /** The SSH key's passphrase source, or null for an unencrypted key. */
    PasswordSource passphrase() {
        return passphrase;
    }

    @Override
    public String toString() {
        if (token != null) {
            return "token for " + username + " (hidden)";
        }
        return privateKey != null ? "SSH key " + privateKey + " with known hosts " + knownHosts : "no credentials";
    }
}
