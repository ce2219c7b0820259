package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.approval.ApprovalDecision;
import io.jenkins.plugins.securedelivery.approval.ApprovalInputException;
import io.jenkins.plugins.securedelivery.approval.ApprovalPolicy;
import io.jenkins.plugins.securedelivery.approval.ApprovalRecord;
import io.jenkins.plugins.securedelivery.approval.ApprovalRequest;
import io.jenkins.plugins.securedelivery.approval.ApprovalState;
import io.jenkins.plugins.securedelivery.signing.DsseEnvelope;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code secure-delivery approval}: where an approval request stands, and signed approval records. */
@Command(name = "approval", mixinStandardHelpOptions = true,
        description = "Check an approval request against the policy (N distinct approvers from allowed groups, no self-approval, "
                + "change ticket, expiry), and sign or verify the approval record.",
        subcommands = {ApprovalCommand.Check.class, ApprovalCommand.Verify.class})
final class ApprovalCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Print the state of an approval request (PENDING, APPROVED, REJECTED, EXPIRED) and why.",
                    "Exit 0 when approved, 1 when pending, rejected or expired, 2 when an input is wrong or the request is refused.",
                    "With --sign-key and --out, an approved request's signed record is written (nothing is written otherwise)."})
    static final class Check implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The approval policy (YAML, docs/approvals.md).")
        Path policy;

        @Option(names = "--request", required = true, paramLabel = "FILE", description = "The approval request (JSON).")
        Path request;

        @Option(names = "--decisions", required = true, paramLabel = "FILE", description = "The decisions so far (JSON array; [] for none).")
        Path decisions;

        @Option(names = "--env", paramLabel = "ENV", description = "The environment expected; refused if the request is for another.")
        String environment;

        @Option(names = "--now", paramLabel = "TIME", description = "Evaluate at this RFC 3339 time instead of now (to replay a past check).")
        String now;

        @Option(names = "--sign-key", paramLabel = "FILE", description = "Sign the approval record with this key (cosign.key or PEM EC P-256).")
        Path signKey;

        @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the key's password.")
        String passwordEnv;

        @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the key's password.")
        Path passwordFile;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write the signed approval record (DSSE envelope).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if ((signKey == null) != (out == null)) {
                throw new ApprovalInputException("--sign-key / --out", "one was given without the other",
                        "give both to write a signed approval record, or neither to check only");
            }
            ApprovalPolicy rules = ApprovalPolicy.read(policy);
            ApprovalRequest asked = ApprovalRequest.read(request);
            if (environment != null && !environment.equals(asked.environment())) {
                throw new ApprovalInputException(request.toString(), "asks for environment '" + asked.environment() + "', not '" + environment + "'",
                        "give the request for " + environment + ", or the right --env");
            }
            List<ApprovalDecision> given = ApprovalDecision.read(decisions);
            Instant at = now == null ? Instant.now() : time(now);
            ApprovalState state = rules.evaluate(asked, given, at);
            PrintWriter output = spec.commandLine().getOut();
            output.print(state.summary());
            output.flush();
            if (!state.isApproved()) {
                return SecureDelivery.FAILED_CHECK;
            }
            if (signKey != null) {
                PasswordSource password = passwordEnv != null ? PasswordSource.environment(passwordEnv)
                        : passwordFile != null ? PasswordSource.file(passwordFile) : PasswordSource.none();
                ApprovalRecord record = ApprovalRecord.approved(rules, asked, given, at);
                AtomicFile.write(out, record.sign(KeyFiles.readSigningKey(signKey, password)));
                spec.commandLine().getErr().println("wrote the signed approval record to " + out + " (approved by "
                        + String.join(", ", record.approvers()) + "; usable until " + record.expiresAt() + ")");
            }
            return 0;
        }

        private static Instant time(String text) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new ApprovalInputException("--now", "'" + text + "' is not an RFC 3339 time", "write it like 2026-11-24T10:00:00Z");
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a signed approval record with the signer's public key and print what was approved, by whom, until when.",
                    "Exit 0 when a signature verifies, 1 when none does."})
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RECORD", description = "The signed approval record (DSSE envelope JSON).")
        Path record;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "The public key (cosign.pub, SPKI PEM).")
        Path key;

        @Override
        public Integer call() throws Exception {
            ApprovalRecord verified;
            try {
                verified = ApprovalRecord.verify(record.toString(), Files.readAllBytes(record), KeyFiles.readVerificationKey(key));
            } catch (DsseEnvelope.NotVerified e) {
                spec.commandLine().getErr().println("NOT VERIFIED " + e.getMessage());
                return SecureDelivery.FAILED_CHECK;
            }
            PrintWriter output = spec.commandLine().getOut();
            ApprovalRequest request = verified.request();
            output.println("VERIFIED approval of " + request.environment() + (verified.adminBypass() ? " (admin bypass)" : ""));
            request.images().forEach(image -> output.println("  image        " + image));
            output.println("  source       " + request.sourceCommit() + " by " + request.commitAuthor() + ", run started by " + request.startedBy());
            output.println("  ticket       " + (request.ticket() == null ? "none" : request.ticket()));
            verified.approvals().forEach(a -> output.println("  approved by  " + a.approver() + " at " + a.decidedAt()));
            output.println("  policy       " + verified.policyFile() + " " + verified.policyDigest() + " (" + verified.required() + " of "
                    + String.join(", ", verified.groups()) + ")");
            output.println("  " + (verified.isUsableAt(Instant.now()) ? "usable until " : "expired at   ") + verified.expiresAt());
            output.flush();
            return 0;
        }
    }
}
