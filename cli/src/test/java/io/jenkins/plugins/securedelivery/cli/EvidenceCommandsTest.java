package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evidence create, verify, push, pull and audit append, verify from the command line, on the sample app's files. */
class EvidenceCommandsTest {

    @TempDir
    Path temp;
    Path workspace;
    Path keys;
    Path password;
    Path layout;
    String digest;

    @BeforeEach
    void workspaceKeysAndImage() throws Exception {
        workspace = Files.createDirectories(temp.resolve("workspace/reports"));
        Files.copy(SbomCommandTest.SAMPLE_APP.resolve("go.sum"), workspace.resolve("go.sum"));
        Files.copy(SbomCommandTest.SAMPLE_APP.resolve("Dockerfile"), workspace.resolve("Dockerfile"));
        Files.writeString(workspace.resolve("coverage-gate.json"), "{\"gate\":\"coverage\",\"outcome\":\"PASSED\"}\n");
        Files.writeString(workspace.resolve("cab.json"), "{\"environment\":\"prod\",\"approvers\":[\"alice\"]}\n");
        workspace = workspace.getParent();
        keys = Files.createDirectories(temp.resolve("keys"));
        password = Files.writeString(temp.resolve("password"), "pw-for-tests\n");
        KeyFiles.generate(keys, "cosign", PasswordSource.of("pw-for-tests".toCharArray()));
        layout = temp.resolve("layout");
        digest = new ImageFromFiles(SbomCommandTest.SAMPLE_APP).push(new OciLayoutStore(layout), ImageReference.parse("localhost/app:1.0")).digest();
    }

    private CommandLineRun create(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("evidence", "create", "--image", "localhost/app@" + digest, "-o", out.toString(),
                "--key", keys.resolve("cosign.key").toString(), "--password-file", password.toString(),
                "--source-repo", "https://git.example.com/team/app.git", "--source-commit", "4f1b2c3d4e5f60718293a4b5c6d7e8f901234567",
                "--run-url", "https://jenkins.example.com/job/app/42/", "--created", "2026-11-24T10:00:00Z",
                "--base", workspace.toString(), "--gate", workspace.resolve("reports/coverage-gate.json").toString(),
                "--approval", workspace.resolve("reports/cab.json").toString(),
                workspace.resolve("reports/go.sum").toString(), workspace.resolve("reports/Dockerfile").toString()));
        for (int i = 0; i < extra.length; i++) {
            int option = args.indexOf(extra[i]);
            if (extra[i].startsWith("--") && option >= 0) {
                args.set(option + 1, extra[++i]);
            } else {
                args.add(extra[i]);
            }
        }
        return CommandLineRun.of(args.toArray(String[]::new));
    }

    private CommandLineRun verify(Path bundle, String... extra) {
        List<String> args = new ArrayList<>(List.of("evidence", "verify", bundle.toString(), "--key", keys.resolve("cosign.pub").toString()));
        args.addAll(List.of(extra));
        return CommandLineRun.of(args.toArray(String[]::new));
    }

    @Test
    void createsTheSameBundleTwiceAndItVerifiesAgainstItsImage() throws Exception {
        CommandLineRun first = create(temp.resolve("one.zip"));
        CommandLineRun second = create(temp.resolve("two.zip"));
        CommandLineRun verified = verify(temp.resolve("one.zip"), "--image", "localhost/app@" + digest);

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().strip()).startsWith(temp.resolve("one.zip") + " sha256:");
        assertThat(first.err()).contains("wrote 4 files of evidence for localhost/app@" + digest);
        assertThat(second.exitCode()).isZero();
        assertThat(Files.readAllBytes(temp.resolve("two.zip"))).isEqualTo(Files.readAllBytes(temp.resolve("one.zip")));
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).startsWith("PASSED verification of evidence bundle").contains("ok     file reports/cab.json");
    }

    @Test
    void aTamperedBundleAStrangersKeyAndAnotherImageFailWithOne() throws Exception {
        create(temp.resolve("evidence.zip"));
        byte[] bundle = Files.readAllBytes(temp.resolve("evidence.zip"));
        long offset;
        try (ZipFile zip = ZipFile.builder().setPath(temp.resolve("evidence.zip")).get()) {
            ZipArchiveEntry first = Collections.list(zip.getEntriesInPhysicalOrder()).get(0);
            offset = first.getDataOffset() + 3;
        }
        bundle[(int) offset] ^= 0x01;
        Files.write(temp.resolve("tampered.zip"), bundle);
        KeyFiles.generate(keys, "stranger", PasswordSource.none());

        CommandLineRun tampered = verify(temp.resolve("tampered.zip"));
        CommandLineRun stranger = CommandLineRun.of("evidence", "verify", temp.resolve("evidence.zip").toString(),
                "--key", keys.resolve("stranger.pub").toString());
        CommandLineRun otherImage = verify(temp.resolve("evidence.zip"), "--image", "localhost/app@sha256:" + "0".repeat(64));

        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.err()).startsWith("FAILED verification of evidence bundle " + temp.resolve("tampered.zip"));
        assertThat(stranger.exitCode()).isEqualTo(1);
        assertThat(stranger.err()).contains("FAILED signature");
        assertThat(otherImage.exitCode()).isEqualTo(1);
        assertThat(otherImage.err()).contains("FAILED image");
    }

    @Test
    void aWrongPasswordAMissingFileAndAMissingKeyAreBadInputAndLeaveNoBundle() throws Exception {
        Files.writeString(temp.resolve("wrong"), "not-the-password\n");

        CommandLineRun wrongPassword = create(temp.resolve("evidence.zip"), "--password-file", temp.resolve("wrong").toString());
        CommandLineRun missingFile = create(temp.resolve("evidence.zip"), workspace.resolve("reports/junit.xml").toString());
        CommandLineRun missingKey = create(temp.resolve("evidence.zip"), "--key", keys.resolve("absent.key").toString());
        CommandLineRun shortCommit = create(temp.resolve("evidence.zip"), "--source-commit", "4f1b2c3");

        assertThat(wrongPassword.exitCode()).isEqualTo(2);
        assertThat(wrongPassword.err()).contains("cosign.key").doesNotContain("not-the-password");
        assertThat(missingFile.exitCode()).isEqualTo(2);
        assertThat(missingFile.err()).contains("reports/junit.xml: no such file");
        assertThat(missingKey.exitCode()).isEqualTo(2);
        assertThat(missingKey.err()).contains("absent.key");
        assertThat(shortCommit.exitCode()).isEqualTo(2);
        assertThat(temp.resolve("evidence.zip")).doesNotExist();
    }

    @Test
    void pushesTheBundleBesideItsImageAndPullsTheSameBytesBack() throws Exception {
        create(temp.resolve("evidence.zip"));

        CommandLineRun push = CommandLineRun.of("evidence", "push", temp.resolve("evidence.zip").toString(), "--oci-layout", layout.toString());
        CommandLineRun pull = CommandLineRun.of("evidence", "pull", "localhost/app:1.0", "-o", temp.resolve("pulled.zip").toString(),
                "--oci-layout", layout.toString());
        CommandLineRun nothing = CommandLineRun.of("evidence", "pull", "localhost/app@sha256:" + "0".repeat(64),
                "-o", temp.resolve("none.zip").toString(), "--oci-layout", layout.toString());

        assertThat(push.exitCode()).as(push.err()).isZero();
        assertThat(push.out().strip()).startsWith("localhost/app@sha256:");
        assertThat(pull.exitCode()).as(pull.err()).isZero();
        assertThat(Files.readAllBytes(temp.resolve("pulled.zip"))).isEqualTo(Files.readAllBytes(temp.resolve("evidence.zip")));
        assertThat(verify(temp.resolve("pulled.zip"), "--image", "localhost/app@" + digest).exitCode()).isZero();
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(temp.resolve("none.zip")).doesNotExist();
    }

    @Test
    void auditAppendPrintsTheHeadAndVerifyNamesTheLineThatWasChanged() throws Exception {
        Path log = temp.resolve("audit.jsonl");
        CommandLineRun first = CommandLineRun.of("audit", "append", "--log", log.toString(), "--actor", "jenkins", "--action", "promote",
                "--subject", "prod", "--detail", "image=localhost/app@" + digest);
        CommandLineRun second = CommandLineRun.of("audit", "append", "--log", log.toString(), "--actor", "alice", "--action", "approve",
                "--subject", "prod");
        CommandLineRun intact = CommandLineRun.of("audit", "verify", "--log", log.toString(), "--head", second.out().strip());
        Files.writeString(log, Files.readString(log).replace("alice", "mallory"));
        CommandLineRun broken = CommandLineRun.of("audit", "verify", "--log", log.toString());
        CommandLineRun secret = CommandLineRun.of("audit", "append", "--log", log.toString(), "--actor", "jenkins", "--action", "notify",
                "--subject", "slack", "--detail", "apiToken=xoxb-not-for-logs");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().strip()).matches("sha256:[0-9a-f]{64}");
        assertThat(intact.exitCode()).as(intact.err()).isZero();
        assertThat(intact.out()).contains("INTACT").contains("2 entries");
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err()).contains("line 2 was changed");
        assertThat(secret.exitCode()).isEqualTo(2);
        assertThat(secret.err()).contains("apiToken").doesNotContain("xoxb-not-for-logs");
        assertThat(Files.readString(log, StandardCharsets.UTF_8).lines()).hasSize(2);
    }
}
