package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.commits;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pin;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pinning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPG-signed promotion commits, checked by C git's {@code verify-commit} with keys made by the real gpg. */
class GpgSigningTest {

    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    static Path gnupgHome;

    private static Path secretKey;
    private static Path publicKeyOnly;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeKeyWithGpg() throws Exception {
        gpg("--quick-gen-key", "Release Bot <release@example.com>", "default", "default", "never");
        secretKey = gnupgHome.resolve("release.asc");
        Files.writeString(secretKey, gpg("--armor", "--export-secret-keys", "release@example.com"));
        publicKeyOnly = gnupgHome.resolve("release.pub.asc");
        Files.writeString(publicKeyOnly, gpg("--armor", "--export", "release@example.com"));
    }

    @AfterAll
    static void stopAgent() throws Exception {
        run(gnupgHome, List.of("gpgconf", "--kill", "gpg-agent"));
    }

    @Test
    void signsPromotionCommitsWithAGpgKeyThatCGitVerifies() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP));

        new Promotion().repository(bare.toString()).environment("prod").images(List.of(pin(APP, "r1")))
                .edit(pinning(List.of(pin(APP, "r1")))).author("Release Bot", "release@example.com")
                .signing(CommitSigning.gpgKey(secretKey, PasswordSource.of(PASSPHRASE.toCharArray())))
                .workDirectory(dir.resolve("work")).call();

        String verified = run(bare, List.of("git", "verify-commit", "-v", "main"));
        assertThat(verified).contains("Good signature from \"Release Bot <release@example.com>\"");
        assertThat(commits(bare).get(0).getRawGpgSignature()).isNotNull();
    }

    @Test
    void aWrongPassphraseFailsBeforeAnythingIsCommitted() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP));
        int before = commits(bare).size();

        assertThatThrownBy(() -> CommitSigning.gpgKey(secretKey, PasswordSource.of("wrong".toCharArray())))
                .isInstanceOf(GitOpsException.class)
                .hasMessageContaining(secretKey.toString())
                .hasMessageContaining("the passphrase does not unlock the GPG key")
                .hasMessageNotContaining("wrong");
        assertThat(commits(bare)).hasSize(before);
    }

    @Test
    void aPublicKeyIsRefusedWithTheExportCommandToUse() {
        assertThatThrownBy(() -> CommitSigning.gpgKey(publicKeyOnly, PasswordSource.none()))
                .isInstanceOf(GitOpsException.class)
                .hasMessageContaining(publicKeyOnly.toString())
                .hasMessageContaining("gpg --export-secret-keys --armor");
    }

    private static String gpg(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", PASSPHRASE));
        command.addAll(List.of(args));
        return run(gnupgHome, command);
    }

    /** Runs a program with this test's GNUPGHOME; stdout and stderr together, since gpg and git report on stderr. */
    private static String run(Path directory, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().put("GNUPGHOME", gnupgHome.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
