package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.canary.AnalysisTarget;
import io.jenkins.plugins.securedelivery.canary.CanaryAnalysis;
import io.jenkins.plugins.securedelivery.canary.CanaryPolicy;
import io.jenkins.plugins.securedelivery.canary.CanaryPolicyException;
import io.jenkins.plugins.securedelivery.canary.CanaryVerdict;
import io.jenkins.plugins.securedelivery.canary.MetricRecording;
import io.jenkins.plugins.securedelivery.canary.PrometheusAnalysis;
import io.jenkins.plugins.securedelivery.canary.PrometheusEndpoint;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secure-delivery canary analyze}: one canary analysis on its own, from Prometheus or a recording, explained. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Judges a canary against its baseline once, from Prometheus metrics (or a recording of them), and prints the",
                "explained verdict: per metric the queries, sample counts, values, threshold, Mann-Whitney U, p-value and effect size.",
                "No Kubernetes: the policy's label selectors tell canary and baseline apart (docs/canary.md).",
                "Exit 0 pass; 1 fail or inconclusive (too little data is never a pass); 2 bad input."})
final class CanaryAnalyzeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--prometheus", paramLabel = "URL", description = "Prometheus' base URL, e.g. http://prometheus.monitoring:9090.")
        String prometheus;

        @Option(names = "--recording", paramLabel = "FILE", description = "Replay a recorded run instead (JSON), analysing its own window by default.")
        Path recording;
    }

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The canary policy (YAML).")
    Path policy;

    @Option(names = "--var", paramLabel = "NAME=VALUE", description = "A variable the policy's templates use ({{namespace}}, {{canaryHash}}...). Repeatable.")
    Map<String, String> variables = new LinkedHashMap<>();

    @Option(names = "--from", paramLabel = "INSTANT", description = "Start of the analysed window (2026-11-24T10:00:00Z). Default: --window before --to.")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "End of the analysed window. Default: now.")
    Instant to;

    @Option(names = "--window", paramLabel = "10m", defaultValue = "10m", description = "Length of the window when --from is not given: 30s, 10m, 1h. Default: ${DEFAULT-VALUE}.")
    String window;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the verdict as JSON (written whole or not at all).")
    Path json;

    @Mixin
    PrometheusOptions prometheusAuth;

    @Option(names = "--timeout", paramLabel = "10s", defaultValue = "10s", description = "How long one query may take. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CanaryVerdict verdict;
        try {
            CanaryPolicy rules = CanaryPolicy.load(policy);
            CanaryAnalysis analysis;
            Instant end;
            Instant start;
            if (source.recording != null) {
                MetricRecording recording = MetricRecording.read(source.recording);
                analysis = new PrometheusAnalysis(rules, recording);
                end = to != null ? to : recording.to();
                start = from != null ? from : to != null ? end.minus(length("--window", window)) : recording.from();
            } else {
                analysis = new PrometheusAnalysis(rules, endpoint());
                end = to != null ? to : Instant.now().truncatedTo(ChronoUnit.SECONDS);
                start = from != null ? from : end.minus(length("--window", window));
            }
            if (!start.isBefore(end)) {
                throw new IllegalArgumentException("--from " + start + " is not before --to " + end + ". Give a window that ends after it starts");
            }
            verdict = analysis.analyze(new AnalysisTarget(variables), start, end);
        } catch (CanaryPolicyException | IllegalArgumentException e) {
            err.println("secure-delivery: " + e.getMessage());
            return SecureDelivery.BAD_INPUT;
        }
        spec.commandLine().getOut().print(verdict.toText());
        spec.commandLine().getOut().flush();
        if (json != null) {
            AtomicFile.write(json.toAbsolutePath(), verdict.toJson().getBytes(StandardCharsets.UTF_8));
        }
        switch (verdict.outcome()) {
            case PASS:
                return 0;
            case INCONCLUSIVE:
                err.println("secure-delivery: the canary analysis is inconclusive, which is not a pass: " + verdict.reason());
                return SecureDelivery.FAILED_CHECK;
            default:
                err.println("secure-delivery: the canary failed: " + verdict.reason());
                return SecureDelivery.FAILED_CHECK;
        }
    }

    private PrometheusEndpoint endpoint() {
        return prometheusAuth.endpoint(source.prometheus, length("--timeout", timeout));
    }

    private static Duration length(String option, String text) {
        return CanaryCommand.duration(option, text);
    }
}
