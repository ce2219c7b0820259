package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.approval.ApprovalDecision;
import io.jenkins.plugins.securedelivery.approval.ApprovalPolicy;
import io.jenkins.plugins.securedelivery.approval.ApprovalRecord;
import io.jenkins.plugins.securedelivery.approval.ApprovalRequest;
import io.jenkins.plugins.securedelivery.approval.ApprovalState;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The change-advisory board approves prod (seed 000, section 7): two distinct members of {@code cab}, a change ticket, and
 * no self-approval — the commit's author tries and is not counted. The result is a signed record that the prod promotion
 * is checked against.
 */
final class ApprovalStage implements DemoCommand.Stage {

    static final String RECORD = "approval-prod.json";

    @Override
    public String name() {
        return "Approval: the CAB approves release 1.4.0 for prod (2 of cab, ticket, no self-approval), signed record";
    }

    @Override
    public boolean run(Path workspace, PrintWriter out) throws Exception {
        Path policyFile = workspace.resolve("policies/approvals.yaml");
        ApprovalPolicy policy = ApprovalPolicy.read(policyFile);
        Descriptor image = DemoCommand.layout(workspace).resolve(DemoCommand.IMAGE);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ApprovalRequest request = new ApprovalRequest("prod", List.of(DemoCommand.REGISTRY_IMAGE + "@" + image.digest()),
                DemoCommand.SOURCE_COMMIT, "carol", "dave", "CHG-1234", now.minus(40, ChronoUnit.MINUTES), DemoCommand.RUN_URL);
        List<ApprovalDecision> decisions = List.of(
                new ApprovalDecision("alice", "alice@example.com", List.of("cab"), ApprovalDecision.Verdict.APPROVE,
                        "canary in staging was clean", now.minus(30, ChronoUnit.MINUTES)),
                new ApprovalDecision("carol", "carol@example.com", List.of("cab"), ApprovalDecision.Verdict.APPROVE,
                        "my own change, looks fine", now.minus(25, ChronoUnit.MINUTES)),
                new ApprovalDecision("bob", "bob@example.com", List.of("cab"), ApprovalDecision.Verdict.APPROVE,
                        "CHG-1234 reviewed", now.minus(20, ChronoUnit.MINUTES)));
        out.println("  policy     " + policyFile.getFileName() + ": prod needs " + policy.forEnvironment("prod").required()
                + " of " + policy.forEnvironment("prod").groups() + ", a CHG- ticket; carol wrote the commit, dave started the run");
        ApprovalState state = policy.evaluate(request, decisions, now);
        state.summary().lines().forEach(line -> out.println("  " + line));
        if (!state.isApproved()) {
            return false;
        }
        ApprovalRecord record = ApprovalRecord.approved(policy, request, decisions, now);
        Path file = workspace.resolve(RECORD);
        Files.write(file, record.sign(DemoCommand.demoKey(workspace)));
        out.println("  record     " + file + " (DSSE, signed with the demo key; usable until " + record.expiresAt() + ")");
        return true;
    }

    /** The prod promotion's approval: the signed record, verified with the demo's public key. */
    static ApprovalRecord verifiedRecord(Path workspace) throws Exception {
        Path file = workspace.resolve(RECORD);
        return ApprovalRecord.verify(file.toString(), Files.readAllBytes(file),
                KeyFiles.readVerificationKey(workspace.resolve("keys/cosign.pub")));
    }
}
