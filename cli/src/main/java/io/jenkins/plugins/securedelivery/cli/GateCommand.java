package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.gates.GateInputException;
import io.jenkins.plugins.securedelivery.gates.GatePolicy;
import io.jenkins.plugins.securedelivery.gates.GateVerdict;
import io.jenkins.plugins.securedelivery.gates.QualityGate;
import io.jenkins.plugins.securedelivery.gates.Reports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secure-delivery gate}: judge a release's test, coverage and scan reports against a policy. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"Judge the reports in the given directories (JUnit, JaCoCo, Cobertura, SARIF, Trivy, gitleaks, CycloneDX; recognised by content)",
                "against a policy: tests, coverage, vulnerabilities, licences, secrets, static analysis. Prints every rule with its value,",
                "threshold and the findings that broke it, writes the verdict as JSON and JUnit XML, and exits 1 if the gate failed.",
                "A report a rule needs that is missing fails the gate. docs/gates.md describes the policy."})
final class GateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--policy", paramLabel = "FILE", description = "The policy (YAML). Without it the documented defaults apply.")
    Path policy;

    @Option(names = "--reports", required = true, arity = "1..*", paramLabel = "DIR", description = "Directories holding the reports (searched recursively).")
    List<Path> reports;

    @Option(names = "--env", paramLabel = "NAME", description = "The environment whose overrides apply (dev, staging, prod...).")
    String environment;

    @Option(names = "--json", defaultValue = "gate-verdict.json", paramLabel = "FILE", description = "Where the JSON verdict goes. Default: ${DEFAULT-VALUE}.")
    Path json;

    @Option(names = "--junit", defaultValue = "gate-verdict.junit.xml", paramLabel = "FILE",
            description = "Where the JUnit XML verdict goes (one test case per rule). Default: ${DEFAULT-VALUE}.")
    Path junit;

    @Option(names = "--today", paramLabel = "YYYY-MM-DD", description = "The day waivers are judged on. Default: today.")
    String today;

    @Option(names = "--max-report-size", defaultValue = "64", paramLabel = "MB", description = "Largest report file read, in MB. Default: ${DEFAULT-VALUE}.")
    long maxReportMegabytes;

    @Override
    public Integer call() throws Exception {
        LocalDate day;
        try {
            day = today == null ? LocalDate.now() : LocalDate.parse(today);
        } catch (DateTimeParseException e) {
            throw new GateInputException("--today " + today, "is not a date", "write it as YYYY-MM-DD");
        }
        if (maxReportMegabytes <= 0) {
            throw new GateInputException("--max-report-size " + maxReportMegabytes, "is not a size", "give a number of megabytes above 0");
        }
        GatePolicy rules = policy == null ? GatePolicy.defaults() : GatePolicy.read(policy);
        GateVerdict verdict = QualityGate.evaluate(rules, environment, Reports.scan(reports, maxReportMegabytes * 1024 * 1024), day);
        AtomicFile.write(json.toAbsolutePath(), verdict.toJson().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(junit.toAbsolutePath(), verdict.toJUnitXml().getBytes(StandardCharsets.UTF_8));
        spec.commandLine().getOut().print(verdict.toText());
        spec.commandLine().getOut().println("Verdict written to " + json + " and " + junit);
        spec.commandLine().getOut().flush();
        return verdict.passed() ? 0 : SecureDelivery.FAILED_CHECK;
    }
}
