package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.gates.GatePolicy;
import io.jenkins.plugins.securedelivery.gates.GateVerdict;
import io.jenkins.plugins.securedelivery.gates.QualityGate;
import io.jenkins.plugins.securedelivery.gates.Reports;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** Gate before signing: the console's real test and coverage reports and the SBOM's licences, against the demo policy. */
final class GateStage implements DemoCommand.Stage {

    static final String VERDICT = "gate-verdict.json";

    @Override
    public String name() {
        return "Quality gate: tests, coverage and licences of the release, explained rule by rule";
    }

    @Override
    public boolean run(Path workspace, PrintWriter out) throws Exception {
        Path reports = Files.createDirectories(workspace.resolve("gate-reports"));
        Files.copy(workspace.resolve("sample-app/reports/junit.xml"), reports.resolve("junit.xml"));
        Files.copy(workspace.resolve("sample-app/reports/cobertura-coverage.xml"), reports.resolve("cobertura-coverage.xml"));
        Files.copy(workspace.resolve("sbom.cdx.json"), reports.resolve("sbom.cdx.json"));
        GatePolicy policy = GatePolicy.read(workspace.resolve("policies/quality-gate.yaml"));
        GateVerdict verdict = QualityGate.evaluate(policy, null, Reports.scan(List.of(reports)), LocalDate.now());
        verdict.toText().lines().forEach(line -> out.println("  " + line));
        AtomicFile.write(workspace.resolve(VERDICT), verdict.toJson().getBytes(StandardCharsets.UTF_8));
        out.println("  verdict    " + workspace.resolve(VERDICT) + " (it goes into the evidence bundle)");
        return verdict.passed();
    }
}
