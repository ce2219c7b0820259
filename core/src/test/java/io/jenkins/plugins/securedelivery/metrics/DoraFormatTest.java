package io.jenkins.plugins.securedelivery.metrics;

import static io.jenkins.plugins.securedelivery.metrics.DoraMetricsTest.TEN_DAYS;
import static io.jenkins.plugins.securedelivery.metrics.DoraMetricsTest.releaseHistory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.gitops.Deployment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoraFormatTest {

    static final DoraMetrics KNOWN = DoraMetrics.of("prod", releaseHistory(), TEN_DAYS);
    static final DoraMetrics EMPTY = DoraMetrics.of("prod", List.of(), TEN_DAYS);

    @Test
    void textSaysEachFigureAndWhatItWasComputedFrom() {
        assertThat(DoraFormat.TEXT.render(KNOWN)).isEqualTo("""
                DORA metrics of prod, 2026-11-01T00:00:00Z .. 2026-11-11T00:00:00Z (10.0 days)
                  deployment frequency:  0.60 per day, 4.20 per week (high): 6 deployments in 10.0 days; 3 rollbacks in the window, not counted as deployments
                  lead time for changes: median 4h 0m, p90 1d 0h (elite): 5 deployments measured; 1 without a source commit time left out
                  change failure rate:   33.3%: 2 of 6 deployments rolled back
                  time to restore:       median 1h 15m: 2 failed deployments, each to the rollback that replaced it
                """);
    }

    @Test
    void jsonHasStableFieldNamesAndNullForUnknown() throws IOException {
        JsonNode known = new ObjectMapper().readTree(DoraFormat.JSON.render(KNOWN));
        assertThat(known.path("environment").asText()).isEqualTo("prod");
        assertThat(known.path("window").path("from").asText()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(known.path("window").path("days").asDouble()).isEqualTo(10.0);
        assertThat(known.path("deploymentFrequency").path("deployments").asInt()).isEqualTo(6);
        assertThat(known.path("deploymentFrequency").path("perDay").asDouble()).isEqualTo(0.6);
        assertThat(known.path("deploymentFrequency").path("level").asText()).isEqualTo("high");
        assertThat(known.path("leadTimeForChanges").path("medianSeconds").asDouble()).isEqualTo(14_400.0);
        assertThat(known.path("leadTimeForChanges").path("p90Seconds").asDouble()).isEqualTo(86_400.0);
        assertThat(known.path("leadTimeForChanges").path("withoutSourceTime").asInt()).isEqualTo(1);
        assertThat(known.path("changeFailureRate").path("failed").asInt()).isEqualTo(2);
        assertThat(known.path("changeFailureRate").path("rate").asDouble()).isEqualTo(2.0 / 6);
        assertThat(known.path("timeToRestore").path("medianSeconds").asDouble()).isEqualTo(4_500.0);

        JsonNode empty = new ObjectMapper().readTree(DoraFormat.JSON.render(EMPTY));
        assertThat(empty.path("deploymentFrequency").path("perDay").isNull()).isTrue();
        assertThat(empty.path("deploymentFrequency").path("level").isNull()).isTrue();
        assertThat(empty.path("leadTimeForChanges").path("medianSeconds").isNull()).isTrue();
        assertThat(empty.path("changeFailureRate").path("rate").isNull()).isTrue();
        assertThat(empty.path("timeToRestore").path("medianSeconds").isNull()).isTrue();
    }

    @Test
    void prometheusGaugesCarryTheEnvironmentAndPassPromtool() throws Exception {
        String text = DoraFormat.PROMETHEUS.render(KNOWN);

        assertThat(text).contains("# TYPE secure_delivery_dora_deployment_frequency_per_day gauge\n")
                .contains("secure_delivery_dora_deployment_frequency_per_day{environment=\"prod\"} 0.6\n")
                .contains("secure_delivery_dora_deployments{environment=\"prod\"} 6\n")
                .contains("secure_delivery_dora_lead_time_median_seconds{environment=\"prod\"} 14400.0\n")
                .contains("secure_delivery_dora_lead_time_p90_seconds{environment=\"prod\"} 86400.0\n")
                .contains("secure_delivery_dora_change_failure_ratio{environment=\"prod\"} 0.3333333333333333\n")
                .contains("secure_delivery_dora_time_to_restore_median_seconds{environment=\"prod\"} 4500.0\n")
                .contains("secure_delivery_dora_performance_level{environment=\"prod\",figure=\"deployment_frequency\",level=\"high\"} 1\n");
        assertThat(promtoolCheck(text)).isEmpty();
    }

    @Test
    void prometheusLeavesUnknownFiguresOutRatherThanWritingZero() throws Exception {
        String text = DoraFormat.PROMETHEUS.render(EMPTY);

        assertThat(text).contains("secure_delivery_dora_deployments{environment=\"prod\"} 0\n")
                .doesNotContain("deployment_frequency_per_day").doesNotContain("lead_time_median_seconds")
                .doesNotContain("change_failure_ratio").doesNotContain("time_to_restore_median_seconds")
                .doesNotContain("performance_level");
        assertThat(promtoolCheck(text)).isEmpty();
    }

    @Test
    void prometheusEscapesTheEnvironmentLabel() throws Exception {
        Deployment odd = new Deployment("c1", TEN_DAYS.from(), "eu \"west\"\\1", List.of(DoraMetricsTest.IMAGE), null,
                null, null, null, List.of(), null);
        String text = DoraFormat.PROMETHEUS.render(DoraMetrics.of("eu \"west\"\\1", List.of(odd), TEN_DAYS));

        assertThat(text).contains("secure_delivery_dora_deployments{environment=\"eu \\\"west\\\"\\\\1\"} 1\n");
        assertThat(promtoolCheck(text)).isEmpty();
    }

    @Test
    void formatsAreNamedAsTheCommandLineSpellsThem() {
        assertThat(DoraFormat.named("Prometheus")).isEqualTo(DoraFormat.PROMETHEUS);
        assertThatThrownBy(() -> DoraFormat.named("yaml")).hasMessageContaining("'yaml'")
                .hasMessageContaining("text, json or prometheus");
    }

    /** Runs Debian's {@code promtool check metrics} (package prometheus) on the text; returns its complaints. */
    static String promtoolCheck(String exposition) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(promtool).as("Debian's promtool (apt-get install prometheus; ./run-tests installs it)").isExecutable();
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        assertThat(status).as("promtool check metrics exit status; it said: %s", output).isZero();
        return output.strip();
    }
}
