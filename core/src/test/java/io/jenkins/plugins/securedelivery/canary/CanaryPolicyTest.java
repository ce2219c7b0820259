package io.jenkins.plugins.securedelivery.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies from YAML: a few lines suffice, presets can be tuned, and every mistake names the file and the field. */
class CanaryPolicyTest {

    @TempDir
    Path temp;

    @Test
    void theDefaultPolicyIsTheHttpPresetWithTheSeedsThresholds() {
        CanaryPolicy policy = CanaryPolicy.defaults();

        assertThat(policy.preset()).isEqualTo(MetricPreset.HTTP);
        assertThat(policy.metrics()).extracting(PolicyMetric::name).containsExactly("success-rate", "latency-p95");
        assertThat(policy.metrics().get(0).threshold()).isEqualTo(">= 0.99");
        assertThat(policy.metrics().get(0).critical()).isTrue();
        assertThat(policy.metrics().get(1).threshold()).isEqualTo("<= 0.5");
        assertThat(policy.canarySelector()).contains("{{canaryHash}}");
        assertThat(policy.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(policy.inconclusiveLimit()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.onInconclusive()).isEqualTo(InconclusiveAction.FAIL);
        assertThat(policy.alpha()).isEqualTo(0.05);
        assertThat(policy.step()).isEqualTo(policy.rateWindow());
    }

    @Test
    void aGatewayPolicyTightensThePresetInAFewLines() throws Exception {
        Path file = temp.resolve("gateway.yaml");
        Files.writeString(file, """
                preset: istio
                canary: 'destination_workload="gateway-canary"'
                baseline: 'destination_workload="gateway-primary"'
                metrics:
                  - name: latency-p95
                    max: 0.3
                    critical: true
                  - name: success-rate
                    min: 0.999
                interval: 30s
                inconclusive: {limit: 5m, then: pause}
                """);

        CanaryPolicy policy = CanaryPolicy.load(file);

        PolicyMetric latency = policy.metrics().get(1);
        assertThat(latency.name()).isEqualTo("latency-p95");
        assertThat(latency.threshold()).isEqualTo("<= 0.3");
        assertThat(latency.critical()).isTrue();
        assertThat(latency.query()).contains("istio_request_duration_milliseconds_bucket").endsWith("/ 1000");
        assertThat(policy.metrics().get(0).threshold()).isEqualTo(">= 0.999");
        assertThat(policy.traffic()).contains("istio_requests_total");
        assertThat(policy.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.inconclusiveLimit()).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.onInconclusive()).isEqualTo(InconclusiveAction.PAUSE);
    }

    @Test
    void aMetricOfOurOwnNeedsAQueryWithTheSelectorAndADirection() {
        String base = "canary: 'track=\"canary\"'\nbaseline: 'track=\"stable\"'\nmetrics:\n";

        CanaryPolicy cpu = CanaryPolicy.parse(base + "  - {name: cpu, query: 'rate(cpu_seconds{ {{selector}} }[{{window}}])', direction: increase-is-bad, weight: 2}\n"
                + "  - {name: latency-p95, enabled: false}\n", "cpu.yaml");

        assertThat(cpu.metrics()).extracting(PolicyMetric::name).containsExactly("success-rate", "cpu");
        assertThat(cpu.metrics().get(1).weight()).isEqualTo(2);
        assertThat(cpu.metrics().get(1).threshold()).isNull();
        assertThatThrownBy(() -> CanaryPolicy.parse(base + "  - {name: cpu, direction: increase-is-bad}\n", "p.yaml"))
                .hasMessage("p.yaml: metrics[0].query: is missing for 'cpu', which is not a metric of preset http. Give its PromQL query with {{selector}} (and {{window}} for rates)");
        assertThatThrownBy(() -> CanaryPolicy.parse(base + "  - {name: cpu, query: 'rate(cpu_seconds[1m])', direction: increase-is-bad}\n", "p.yaml"))
                .hasMessageStartingWith("p.yaml: metrics[0].query: does not use {{selector}}, so canary and baseline would get the same numbers");
        assertThatThrownBy(() -> CanaryPolicy.parse(base + "  - {name: cpu, query: 'cpu{ {{selector}} }', direction: up}\n", "p.yaml"))
                .hasMessage("p.yaml: metrics[0].direction: 'up' is not one of increase-is-bad, decrease-is-bad. Use one of those");
    }

    @Test
    void mistakesNameTheFileTheFieldAndTheFix() {
        assertThatThrownBy(() -> CanaryPolicy.parse("minSampels: 5\n", "typo.yaml"))
                .hasMessageStartingWith("typo.yaml: minSampels: is not a known field. Use one of alpha, baseline, canary,");
        assertThatThrownBy(() -> CanaryPolicy.parse("step: 30 seconds\n", "d.yaml"))
                .hasMessage("d.yaml: step: '30 seconds' is not a duration. Write a positive number and one unit: 500ms, 30s, 1m, 10m, 2h, 1d");
        assertThatThrownBy(() -> CanaryPolicy.parse("inconclusive: {then: retry}\n", "i.yaml"))
                .hasMessage("i.yaml: inconclusive.then: 'retry' is not one of fail, pause. Use one of those");
        assertThatThrownBy(() -> CanaryPolicy.parse("alpha: 2\n", "a.yaml"))
                .hasMessage("a.yaml: alpha: 2 is out of range. Use a number between 1.0E-9 and 0.5");
        assertThatThrownBy(() -> CanaryPolicy.parse("canary: 'a=\"1\"'\nbaseline: 'a=\"1\"'\n", "same.yaml"))
                .hasMessageStartingWith("same.yaml: baseline: is the same selector as canary");
        assertThatThrownBy(() -> CanaryPolicy.parse("preset: none\ncanary: 'a=\"1\"'\nbaseline: 'a=\"2\"'\n", "none.yaml"))
                .hasMessageStartingWith("none.yaml: traffic: is missing, and preset none has no request-count query");
        assertThatThrownBy(() -> CanaryPolicy.parse("canary: [\n", "broken.yaml"))
                .hasMessageStartingWith("broken.yaml: is not valid YAML (while parsing a flow node in 'reader', line 2, column 1:")
                .hasMessageEndingWith("). Fix the YAML syntax");
        assertThatThrownBy(() -> CanaryPolicy.load(temp.resolve("absent.yaml")))
                .hasMessageEndingWith("absent.yaml: no such file. Check the path of the canary policy");
    }

    @Test
    void templatesFillKnownVariablesAndNameUnknownOnes() {
        assertThat(Templates.fill("http_requests_total{ {{selector}} }[{{window}}]", java.util.Map.of("selector", "a=\"1\"", "window", "1m")))
                .isEqualTo("http_requests_total{ a=\"1\" }[1m]");
        assertThatThrownBy(() -> Templates.fill("ns=\"{{namespace}}\"", java.util.Map.of("name", "shop")))
                .hasMessage("{{namespace}} is not a known variable (known here: name)");
    }

    @Test
    void keepsThePolicysInconclusiveTimeLimitWhenTheIntervalIsOverridden() {
        // given a policy that polls every minute and tolerates ten minutes of inconclusive verdicts
        CanaryPolicy policy = CanaryPolicy.parse("interval: 1m\ninconclusive: {limit: 10m, then: pause}\n", "p.yaml");

        // when the watch polls at the policy's interval, every 30 s, or every 3 min
        WatchSettings asPolicy = WatchSettings.from(policy, null, Duration.ofHours(1), false);
        WatchSettings faster = WatchSettings.from(policy, Duration.ofSeconds(30), Duration.ofHours(1), true);
        WatchSettings slower = WatchSettings.from(policy, Duration.ofMinutes(3), Duration.ofHours(1), false);

        // then the limit is still ten minutes' worth of verdicts in a row, and the rest comes from the policy
        assertThat(asPolicy.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(asPolicy.inconclusiveLimit()).isEqualTo(10);
        assertThat(faster.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(faster.inconclusiveLimit()).isEqualTo(20);
        assertThat(faster.fullPromotion()).isTrue();
        assertThat(slower.inconclusiveLimit()).isEqualTo(3);
        assertThat(slower.onInconclusive()).isEqualTo(InconclusiveAction.PAUSE);
    }
}
