package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URISyntaxException;
import java.util.Locale;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.KeyPasswordProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.transport.URIish;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;

/** The repository a command works on, and how its transport commands authenticate. */
record GitOpsRemote(String url, String branch, GitCredentials credentials, Path workDirectory) {

    /** The URL as messages may show it: without a user or password that someone wrote into it. */
    String display() {
        try {
            URIish uri = new URIish(url);
            // over HTTP a user alone may be a token (https://<token>@host/...); over SSH it is the account, as in git@host:org/repo
            boolean http = uri.getScheme() != null && uri.getScheme().toLowerCase(Locale.ROOT).startsWith("http");
            return uri.getPass() == null && (uri.getUser() == null || !http) ? url : uri.setPass(null).setUser(null).toString();
        } catch (URISyntaxException notAUrl) {
            return url;
        }
    }

    Path newCheckoutDirectory() throws IOException {
        Path parent = workDirectory != null ? Files.createDirectories(workDirectory)
                : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(parent, "gitops-");
    }

    /** Sets the credentials on a JGit transport command (clone, fetch, push, ls-remote). */
    <C extends TransportCommand<C, ?>> C authenticate(C command, Path scratch) throws IOException {
        if (credentials.tokenChars() != null) {
            command.setCredentialsProvider(
                    new UsernamePasswordCredentialsProvider(credentials.username(), credentials.tokenChars()));
        }
        if (credentials.privateKey() != null) {
            SshdSessionFactory ssh = sshSessionFactory(scratch);
            command.setTransportConfigCallback(transport -> {
                if (transport instanceof SshTransport sshTransport) {
                    sshTransport.setSshSessionFactory(ssh);
                }
            });
        }
        return command;
    }

    /**
     * An SSH client that uses only the given key and known_hosts file and refuses unknown host keys: an ssh_config of
     * our own (OpenSSH's own knobs, read by JGit) so that the user's ~/.ssh/config can neither weaken nor redirect it.
     */
    private SshdSessionFactory sshSessionFactory(Path scratch) throws IOException {
        Path sshDirectory = Files.createDirectories(scratch.resolve("ssh"));
        Path config = sshDirectory.resolve("config");
        Files.writeString(config, "Host *\n"
                + "  StrictHostKeyChecking yes\n"
                + "  UserKnownHostsFile \"" + credentials.knownHosts().toAbsolutePath() + "\"\n"
                + "  IdentityFile \"" + credentials.privateKey().toAbsolutePath() + "\"\n"
                + "  IdentitiesOnly yes\n"
                + "  PreferredAuthentications publickey\n");
        SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder()
                .setHomeDirectory(scratch.toFile())
                .setSshDirectory(sshDirectory.toFile())
                .setConfigFile(ignored -> config.toFile());
        if (credentials.passphrase() != null) {
            builder.setKeyPasswordProvider(ignored -> new KeyPassphrase(credentials.privateKey(), credentials.passphrase()));
        }
        return builder.build(null);
    }

    /** Gives the key's passphrase once: a wrong passphrase is a failed connection, never a prompt or a guess loop. */
    private static final class KeyPassphrase implements KeyPasswordProvider {
        private final Path key;
        private final PasswordSource source;

        KeyPassphrase(Path key, PasswordSource source) {
            this.key = key;
            this.source = source;
        }

        @Override
        public char[] getPassphrase(URIish uri, int attempt) {
            if (attempt > 0) {
                return null;
            }
            byte[] utf8 = source.read(key.toString());
            java.nio.CharBuffer chars = java.nio.charset.StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(utf8));
            try {
                return java.util.Arrays.copyOf(chars.array(), chars.limit());
            } finally {
                java.util.Arrays.fill(utf8, (byte) 0);
                java.util.Arrays.fill(chars.array(), '\0');
            }
        }

        @Override
        public void setAttempts(int attempts) {
            // One attempt only, whatever the caller asks.
        }

        @Override
        public boolean keyLoaded(URIish uri, int attempt, Exception error) {
            return false;
        }
    }
}
