package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sign, attest, provenance and verify from the command line, on an OCI layout built from the sample app. */
class SigningCommandsTest {

    @TempDir
    Path temp;
    Path layout;
    Path keys;
    String digest;

    @BeforeEach
    void buildAndKey() throws Exception {
        layout = temp.resolve("layout");
        digest = new ImageFromFiles(SbomCommandTest.SAMPLE_APP).push(new OciLayoutStore(layout),
                io.jenkins.plugins.securedelivery.oci.ImageReference.parse("localhost/app:1.0")).digest();
        keys = Files.createDirectories(temp.resolve("keys"));
        Files.writeString(temp.resolve("password"), "pw-for-tests\n");
        KeyFiles.generate(keys, "cosign", PasswordSource.of("pw-for-tests".toCharArray()));
    }

    private CommandLineRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--oci-layout";
        all[args.length + 1] = layout.toString();
        return CommandLineRun.of(all);
    }

    @Test
    void signsByTagPrintsTheDigestAndVerifies() {
        CommandLineRun sign = run("sign", "localhost/app:1.0", "--key", keys.resolve("cosign.key").toString(),
                "--password-file", temp.resolve("password").toString());
        CommandLineRun verify = run("verify", "localhost/app:1.0", "--key", keys.resolve("cosign.pub").toString());

        assertThat(sign.exitCode()).as(sign.err()).isZero();
        assertThat(sign.out().strip()).isEqualTo("localhost/app@" + digest);
        assertThat(sign.err()).contains("resolved localhost/app:1.0 to " + digest);
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("PASSED verification of " + digest);
    }

    @Test
    void aMissingRequiredAttestationFailsWithOneUntilItIsAttested() throws Exception {
        Path sbom = temp.resolve("bom.json");
        assertThat(CommandLineRun.of("sbom", "generate", SbomCommandTest.SAMPLE_APP.toString(), "-o", sbom.toString()).exitCode()).isZero();
        run("sign", "localhost/app:1.0", "--key", keys.resolve("cosign.key").toString(), "--password-file", temp.resolve("password").toString());

        CommandLineRun before = run("verify", "localhost/app:1.0", "--key", keys.resolve("cosign.pub").toString(), "--require-attestation", "cyclonedx");
        CommandLineRun attest = run("attest", "localhost/app:1.0", "--type", "cyclonedx", "--predicate", sbom.toString(),
                "--key", keys.resolve("cosign.key").toString(), "--password-file", temp.resolve("password").toString());
        CommandLineRun after = run("verify", "localhost/app:1.0", "--key", keys.resolve("cosign.pub").toString(), "--require-attestation", "cyclonedx");

        assertThat(before.exitCode()).isEqualTo(1);
        assertThat(before.err()).contains("required attestation https://cyclonedx.org/bom is missing");
        assertThat(attest.exitCode()).as(attest.err()).isZero();
        assertThat(after.exitCode()).as(after.err()).isZero();
    }

    @Test
    void aWrongPasswordIsBadInputAndNeverPrinted() throws Exception {
        Files.writeString(temp.resolve("wrong"), "not-the-password\n");

        CommandLineRun sign = run("sign", "localhost/app:1.0", "--key", keys.resolve("cosign.key").toString(),
                "--password-file", temp.resolve("wrong").toString());

        assertThat(sign.exitCode()).isEqualTo(2);
        assertThat(sign.err()).contains("cosign.key").doesNotContain("not-the-password");
    }

    @Test
    void anUnsignedImageFailsVerificationWithOne() {
        CommandLineRun verify = run("verify", "localhost/app:1.0", "--key", keys.resolve("cosign.pub").toString());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("FAILED verification").contains("no signature or attestation was found");
    }

    @Test
    void badReferencesAndMissingPoliciesAreBadInput() {
        assertThat(run("verify", "Local Host/App", "--key", keys.resolve("cosign.pub").toString()).exitCode()).isEqualTo(2);
        assertThat(run("verify", "localhost/app:1.0").exitCode()).isEqualTo(2);
        assertThat(run("sign", "localhost/app:1.0").exitCode()).isEqualTo(2);
    }

    @Test
    void provenanceIsWrittenDeterministicallyAndRefusesAShortCommit() throws Exception {
        String[] facts = {"provenance", "--builder-id", "https://jenkins.example.com/", "--source-repo", "https://git.example.com/app.git",
                "--source-commit", "4f1b2c3d4e5f60718293a4b5c6d7e8f901234567", "--pipeline", "team/app/main",
                "--invocation-id", "https://jenkins.example.com/job/app/7/", "--started-on", "2026-11-24T01:00:00Z",
                "--finished-on", "2026-11-24T01:02:00Z", "-o"};
        CommandLineRun first = CommandLineRun.of(append(facts, temp.resolve("p1.json").toString()));
        CommandLineRun second = CommandLineRun.of(append(facts, temp.resolve("p2.json").toString()));
        CommandLineRun shortCommit = CommandLineRun.of("provenance", "--builder-id", "https://jenkins.example.com/",
                "--source-repo", "https://git.example.com/app.git", "--source-commit", "4f1b2c3", "--pipeline", "team/app/main",
                "--invocation-id", "https://jenkins.example.com/job/app/7/", "--started-on", "2026-11-24T01:00:00Z");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).isZero();
        assertThat(Files.readAllBytes(temp.resolve("p1.json"))).isEqualTo(Files.readAllBytes(temp.resolve("p2.json")));
        assertThat(Files.readString(temp.resolve("p1.json"))).contains("\"buildType\"", "4f1b2c3d4e5f60718293a4b5c6d7e8f901234567");
        assertThat(shortCommit.exitCode()).isEqualTo(2);
        assertThat(shortCommit.err()).contains("4f1b2c3").contains("40");
    }

    private static String[] append(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
