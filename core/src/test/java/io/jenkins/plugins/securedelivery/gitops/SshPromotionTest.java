package io.jenkins.plugins.securedelivery.gitops;

import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.commits;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.head;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pin;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pinning;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promotion over SSH (JGit's Apache MINA transport) with a key, against JGit's in-process SSH git server. */
class SshPromotionTest {

    @TempDir
    Path dir;
    private Path bare;
    private Repository served;
    private SshTestGitServer server;
    private int port;
    private Path userKey;
    private final List<ImagePin> release = List.of(pin(APP, "r1"));

    @BeforeEach
    void startServer() throws Exception {
        bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP));
        userKey = keyPair("user_key");
        Path hostKey = keyPair("host_key");
        served = GitOpsFixtures.open(bare);
        server = new SshTestGitServer("git", userKey.resolveSibling("user_key.pub"), served,
                Files.readAllBytes(hostKey));
        port = server.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
        served.close();
    }

    private Path keyPair(String name) throws Exception {
        Path key = dir.resolve(name);
        run(dir, "ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", name, "-f", key.toString());
        return key;
    }

    private Path knownHosts(Path hostPublicKey) throws Exception {
        String[] key = Files.readString(hostPublicKey).trim().split(" ");
        return Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + key[0] + " " + key[1]
                + "\n");
    }

    private Promotion promotion(Path knownHosts) {
        return new Promotion().repository("ssh://git@127.0.0.1:" + port + "/gitops.git")
                .credentials(GitCredentials.sshKey(userKey, knownHosts)).environment("prod").images(release)
                .edit(pinning(release)).workDirectory(dir.resolve("work"));
    }

    @Test
    void promotesOverSshWithAKeyToAKnownHost() throws Exception {
        PromotionResult result = promotion(knownHosts(dir.resolve("host_key.pub"))).call();

        assertThat(result.changed()).isTrue();
        assertThat(commits(bare).get(0).getName()).isEqualTo(result.commit());
    }

    @Test
    void aKeyTheServerDoesNotKnowIsAnAuthenticationFailure() throws Exception {
        ObjectId before = head(bare);
        userKey = keyPair("stranger_key");

        assertThatThrownBy(promotion(knownHosts(dir.resolve("host_key.pub")))::call)
                .isInstanceOf(GitOpsException.AuthenticationFailed.class);
        assertThat(head(bare)).isEqualTo(before);
    }

    @Test
    void refusesAHostWhoseKeyIsNotInKnownHosts() throws Exception {
        ObjectId before = head(bare);
        Path impostor = keyPair("other_host_key");

        assertThatThrownBy(promotion(knownHosts(impostor.resolveSibling("other_host_key.pub")))::call)
                .isInstanceOf(GitOpsException.class)
                .hasMessageContaining("ssh://git@127.0.0.1:" + port + "/gitops.git")
                .hasMessageContaining("host key is not the one in the known_hosts file");
        assertThat(head(bare)).isEqualTo(before);
    }

    @Test
    void promotesWithAPassphraseProtectedKey() throws Exception {
        Path encrypted = encryptedKeyTheServerKnows("s3cret passphrase");

        PromotionResult result = promotion(knownHosts(dir.resolve("host_key.pub")))
                .credentials(GitCredentials.sshKey(encrypted, dir.resolve("known_hosts"),
                        PasswordSource.of("s3cret passphrase".toCharArray())))
                .call();

        assertThat(commits(bare).get(0).getName()).isEqualTo(result.commit());
    }

    @Test
    void aWrongPassphraseFailsBeforeConnectingAndIsNeverShown() throws Exception {
        Path encrypted = encryptedKeyTheServerKnows("s3cret passphrase");

        assertThatThrownBy(() -> GitCredentials.sshKey(encrypted, knownHosts(dir.resolve("host_key.pub")),
                        PasswordSource.of("not-the-passphrase".toCharArray())))
                .isInstanceOf(GitOpsException.class)
                .hasMessageStartingWith(encrypted.toString())
                .hasMessageContaining("cannot be loaded with the passphrase given")
                .hasMessageNotContaining("not-the-passphrase");
    }

    /** Restarts the server so that it accepts a new passphrase-protected key, which it returns. */
    private Path encryptedKeyTheServerKnows(String passphrase) throws Exception {
        Path key = dir.resolve("encrypted_key");
        run(dir, "ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", passphrase, "-C", "encrypted", "-f", key.toString());
        server.stop();
        server = new SshTestGitServer("git", key.resolveSibling("encrypted_key.pub"), served,
                Files.readAllBytes(dir.resolve("host_key")));
        port = server.start();
        return key;
    }
}
