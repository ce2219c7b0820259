package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.evidence.AuditLog;
import io.jenkins.plugins.securedelivery.evidence.EvidenceBundle;
import io.jenkins.plugins.securedelivery.evidence.EvidenceFile;
import io.jenkins.plugins.securedelivery.evidence.EvidenceReport;
import io.jenkins.plugins.securedelivery.gitops.Deployment;
import io.jenkins.plugins.securedelivery.gitops.DeploymentHistory;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an auditor keeps: one signed, reproducible zip with the release's SBOM, provenance, reports, gate verdict and
 * approval record; and an append-only audit log of what happened to prod, derived from the GitOps history.
 */
final class EvidenceStage implements DemoCommand.Stage {

    @Override
    public String name() {
        return "Evidence: a signed, reproducible bundle of the release's evidence, verified; the audit log of prod";
    }

    @Override
    public boolean run(Path workspace, PrintWriter out) throws Exception {
        ImageReference image = ImageReference.parse(DemoCommand.REGISTRY_IMAGE + "@"
                + DemoCommand.layout(workspace).resolve(DemoCommand.IMAGE).digest());
        List<EvidenceFile> files = new ArrayList<>();
        for (String name : List.of("sbom.cdx.json", "provenance.json", "sample-app/reports/junit.xml",
                "sample-app/reports/cobertura-coverage.xml", "canary-verdict.json")) {
            if (Files.exists(workspace.resolve(name))) {
                files.add(EvidenceFile.of(workspace, workspace.resolve(name)));
            }
        }
        Path gateVerdict = workspace.resolve(GateStage.VERDICT);
        List<EvidenceFile> gates = Files.exists(gateVerdict) ? List.of(EvidenceFile.of(workspace, gateVerdict)) : List.of();
        EvidenceBundle.Request request = new EvidenceBundle.Request(image, DemoCommand.SOURCE_REPOSITORY, DemoCommand.SOURCE_COMMIT,
                DemoCommand.RUN_URL, Instant.now(), files, gates,
                List.of(EvidenceFile.of(workspace, workspace.resolve(ApprovalStage.RECORD))));
        Path bundle = workspace.resolve("evidence-1.4.0.zip");
        EvidenceBundle.Created created = EvidenceBundle.create(request, DemoCommand.demoKey(workspace), bundle);
        out.println("  bundle     " + bundle + " (" + created.manifest().files().size() + " files, " + created.sha256() + ")");
        EvidenceReport report = EvidenceBundle.verify(bundle, KeyFiles.readVerificationKey(workspace.resolve("keys/cosign.pub")), image);
        report.summary().lines().forEach(line -> out.println("  " + line));

        AuditLog audit = new AuditLog(workspace.resolve("audit.jsonl"));
        List<Deployment> history = new DeploymentHistory().repository(DemoCommand.gitopsRepository(workspace)).environment("prod").call();
        for (int i = history.size() - 1; i >= 0; i--) {
            Deployment deployment = history.get(i);
            audit.append("release-bot", deployment.isRollback() ? "rollback" : "promote", "prod", Map.of("commit", deployment.commit(),
                    "image", deployment.images().get(0).digest(), "approvedBy", String.join(", ", deployment.approvers())));
        }
        audit.append("release-bot", "evidence", image.toString(), Map.of("bundle", created.sha256()));
        AuditLog.Verification verification = audit.verify();
        out.println("  audit log  " + verification.summary());
        return report.passed() && verification.intact();
    }
}
