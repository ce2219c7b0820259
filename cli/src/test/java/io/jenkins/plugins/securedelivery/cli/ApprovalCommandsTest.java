package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** approval check and approval verify from the command line, on the documented policy (prod: 2 of the CAB). */
class ApprovalCommandsTest {

    static final Path POLICY = Path.of("../core/src/test/resources/approval/approvals.yaml");
    static final String NOW = "2026-11-24T12:00:00Z";

    @TempDir
    Path temp;
    Path request;
    Path keys;

    @BeforeEach
    void requestAndKeys() throws Exception {
        request = write("request.json", request("CHG-1234"));
        keys = Files.createDirectories(temp.resolve("keys"));
        KeyFiles.generate(keys, "cosign", PasswordSource.of("approval-key-password".toCharArray()));
        Files.writeString(temp.resolve("password"), "approval-key-password\n");
    }

    static String request(String ticket) {
        return "{\"environment\":\"prod\",\"images\":[\"registry.example.com/org/medical-platform@sha256:" + "ab".repeat(32) + "\"],"
                + "\"sourceCommit\":\"4f1b2c3d4e5f60718293a4b5c6d7e8f901234567\",\"commitAuthor\":\"Carol Author <carol@example.com>\","
                + "\"startedBy\":\"dave\"," + (ticket == null ? "" : "\"ticket\":\"" + ticket + "\",") + "\"requestedAt\":\"2026-11-24T09:00:00Z\"}";
    }

    static String decision(String approver, String email, String verdict, String at) {
        return "{\"approver\":\"" + approver + "\"," + (email == null ? "" : "\"email\":\"" + email + "\",")
                + "\"groups\":[\"cab\"],\"verdict\":\"" + verdict + "\",\"decidedAt\":\"" + at + "\"}";
    }

    Path write(String name, String content) throws Exception {
        return Files.writeString(temp.resolve(name), content);
    }

    CommandLineRun check(Path decisions, String... more) {
        String[] base = {"approval", "check", "--policy", POLICY.toString(), "--env", "prod", "--request", request.toString(),
                "--decisions", decisions.toString(), "--now", NOW};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CommandLineRun.of(all);
    }

    String[] signing(Path out) {
        return new String[] {"--sign-key", keys.resolve("cosign.key").toString(), "--password-file", temp.resolve("password").toString(),
                "--out", out.toString()};
    }

    @Test
    void aPendingRequestExitsOneAndWritesNoRecord() throws Exception {
        Path decisions = write("decisions.json", "[" + decision("alice", null, "approve", "2026-11-24T09:10:00Z") + "]");
        Path out = temp.resolve("approval.json");

        CommandLineRun run = check(decisions, signing(out));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).startsWith("PENDING prod: 1 of 2 approvals; members of cab may approve");
        assertThat(out).doesNotExist();
    }

    @Test
    void aSelfApprovalAttemptIsShownAndNeverPasses() throws Exception {
        Path decisions = write("decisions.json", "[" + decision("alice", null, "approve", "2026-11-24T09:10:00Z") + ","
                + decision("carol", "carol@example.com", "approve", "2026-11-24T09:20:00Z") + "]");

        CommandLineRun run = check(decisions);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("not counted carol approved at 2026-11-24T09:20:00Z: no self-approval: carol is the commit author");
    }

    @Test
    void anApprovedRequestIsSignedAndTheRecordVerifiesWithThePublicKey() throws Exception {
        Path decisions = write("decisions.json", "[" + decision("alice", null, "approve", "2026-11-24T09:10:00Z") + ","
                + decision("bob", null, "approve", "2026-11-24T09:20:00Z") + "]");
        Path out = temp.resolve("approval.json");

        CommandLineRun run = check(decisions, signing(out));
        CommandLineRun verify = CommandLineRun.of("approval", "verify", out.toString(), "--key", keys.resolve("cosign.pub").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("APPROVED prod: approved by alice, bob (2 of 2 required, from cab)");
        assertThat(run.err()).contains("wrote the signed approval record to " + out + " (approved by alice, bob; usable until 2026-11-25T09:00:00Z)");
        assertThat(run.err()).doesNotContain("approval-key-password");
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("VERIFIED approval of prod")
                .contains("approved by  alice at 2026-11-24T09:10:00Z")
                .contains("approved by  bob at 2026-11-24T09:20:00Z")
                .contains("ticket       CHG-1234");
    }

    @Test
    void aRecordVerifiedWithAnotherKeyExitsOne() throws Exception {
        Path decisions = write("decisions.json", "[" + decision("alice", null, "approve", "2026-11-24T09:10:00Z") + ","
                + decision("bob", null, "approve", "2026-11-24T09:20:00Z") + "]");
        Path out = temp.resolve("approval.json");
        check(decisions, signing(out));
        KeyFiles.generate(keys, "other", PasswordSource.none());

        CommandLineRun verify = CommandLineRun.of("approval", "verify", out.toString(), "--key", keys.resolve("other.pub").toString());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).startsWith("NOT VERIFIED " + out + ": no signature verifies with");
    }

    @Test
    void aRequestWithoutTheRequiredTicketIsBadInput() throws Exception {
        request = write("request.json", request(null));

        CommandLineRun run = check(write("decisions.json", "[]"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("approval request for prod: has no change ticket");
    }

    @Test
    void aPolicyErrorNamesTheFileAndField() throws Exception {
        Path policy = write("approvals.yaml", "environments:\n  prod:\n    groups: [cab]\n    expiresAfter: 24h\n");

        CommandLineRun run = CommandLineRun.of("approval", "check", "--policy", policy.toString(), "--request", request.toString(),
                "--decisions", write("decisions.json", "[]").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(policy + ": environments.prod.required: is missing");
    }

    @Test
    void aSigningKeyWithoutAnOutputFileIsBadInput() throws Exception {
        CommandLineRun run = check(write("decisions.json", "[]"), "--sign-key", keys.resolve("cosign.key").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--sign-key / --out: one was given without the other");
    }
}
