package io.jenkins.plugins.securedelivery.canary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.canary.SimulatedTrafficService.Behaviour;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analyses against a real Prometheus scraping a service whose canary and baseline behave as each scenario says. One
 * Prometheus and one warm-up serve every test: scenarios are told apart by the {@code scenario} label.
 */
class PrometheusAnalysisTest {

    static final String POLICY = """
            preset: http
            canary: 'scenario="{{scenario}}", track="canary"'
            baseline: 'scenario="{{scenario}}", track="baseline"'
            step: 2s
            rateWindow: 2s
            minRequests: 50
            minSamples: 8
            """;
    static final Duration WINDOW = Duration.ofSeconds(20);
    /** The recording the demo replays is made here; demo/canary/README.md says how it is copied. */
    static final Path RECORDING = Path.of("target", "recordings", "bad-canary.json");

    @TempDir
    static Path temp;
    static SimulatedTrafficService service;
    static PrometheusServer prometheus;
    static CanaryPolicy policy;
    static PrometheusAnalysis analysis;

    @BeforeAll
    static void startPrometheusAndLetItScrape() throws Exception {
        Behaviour good = new Behaviour(40, 0.003, 0.080);
        service = new SimulatedTrafficService(Map.of(
                "healthy", new Behaviour[] {new Behaviour(40, 0.001, 0.060), good},
                "bad-errors", new Behaviour[] {new Behaviour(40, 0.08, 0.080), good},
                "bad-latency", new Behaviour[] {new Behaviour(40, 0.001, 0.350), good},
                "low-traffic", new Behaviour[] {new Behaviour(0.3, 0, 0.080), new Behaviour(0.3, 0, 0.080)},
                "idle", new Behaviour[] {new Behaviour(0, 0, 0.080), new Behaviour(0, 0, 0.080)}));
        prometheus = new PrometheusServer(temp, service.address());
        policy = CanaryPolicy.parse(POLICY, "test-policy.yaml");
        analysis = new PrometheusAnalysis(policy, prometheus.endpoint());
        prometheus.awaitScrapes((int) WINDOW.toSeconds() + 4, Duration.ofSeconds(45));
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (service != null) {
            service.close();
        }
    }

    static AnalysisTarget scenario(String name) {
        return new AnalysisTarget(Map.of("scenario", name));
    }

    /** The last {@link #WINDOW}, ending a second ago so the newest scrape has landed. */
    static CanaryVerdict analyze(CanaryAnalysis analysis, String scenario) {
        Instant to = Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return analysis.analyze(scenario(scenario), to.minus(WINDOW), to);
    }

    static MetricVerdict metric(CanaryVerdict verdict, String name) {
        return verdict.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void passesAHealthyCanaryThatIsNoWorseThanItsBaseline() {
        CanaryVerdict verdict = analyze(analysis, "healthy");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.PASS);
        assertThat(verdict.score()).isEqualTo(100);
        assertThat(metric(verdict, "traffic").reason()).startsWith("enough traffic");
        assertThat(metric(verdict, "success-rate").canarySamples()).isGreaterThanOrEqualTo(8);
        assertThat(metric(verdict, "success-rate").reason()).contains("is within >= 0.99").contains("not significantly lower");
        assertThat(metric(verdict, "latency-p95").reason()).contains("not significantly higher");
    }

    @Test
    void failsACanaryWhoseErrorRateRisesAndExplainsEveryNumber() throws Exception {
        CanaryVerdict verdict = analyze(analysis, "bad-errors");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.FAIL);
        assertThat(verdict.reason()).startsWith("critical metric success-rate failed");
        MetricVerdict success = metric(verdict, "success-rate");
        assertThat(success.canaryValue()).isBetween(0.85, 0.97);
        assertThat(success.baselineValue()).isGreaterThan(0.99);
        assertThat(success.pValue()).isLessThan(0.001);
        assertThat(success.effectSize()).isLessThan(-0.7);
        assertThat(success.reason()).contains("below the minimum 0.99").contains("significantly lower than baseline");
        assertThat(success.canaryQuery()).isEqualTo("sum(rate(http_requests_total{ scenario=\"bad-errors\", track=\"canary\", code!~\"5..\" }[2s]))"
                + " / sum(rate(http_requests_total{ scenario=\"bad-errors\", track=\"canary\" }[2s]))");
        JsonNode json = new ObjectMapper().readTree(verdict.toJson());
        assertThat(json.path("outcome").asText()).isEqualTo("FAIL");
        JsonNode first = json.path("metrics").get(1);
        assertThat(first.path("name").asText()).isEqualTo("success-rate");
        assertThat(first.path("baselineQuery").asText()).contains("track=\"baseline\"");
        assertThat(first.path("canarySamples").asInt()).isGreaterThanOrEqualTo(8);
        assertThat(first.path("pValue").isNumber()).isTrue();
        assertThat(first.path("threshold").asText()).isEqualTo(">= 0.99");
        assertThat(verdict.toText()).contains("FAIL  success-rate").contains("query: sum(rate(");
    }

    @Test
    void failsACanaryWhoseLatencyRisesThoughNoMetricIsCritical() {
        CanaryVerdict verdict = analyze(analysis, "bad-latency");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.FAIL);
        assertThat(verdict.score()).isEqualTo(50);
        assertThat(verdict.reason()).contains("below the marginal score 75").contains("latency-p95");
        MetricVerdict latency = metric(verdict, "latency-p95");
        assertThat(latency.canaryValue()).isGreaterThan(0.5);
        assertThat(latency.reason()).contains("above the maximum 0.5").contains("significantly higher than baseline");
        assertThat(metric(verdict, "success-rate").outcome()).isEqualTo(Outcome.PASS);
    }

    @Test
    void tooLittleTrafficIsInconclusiveNeverAPass() {
        CanaryVerdict verdict = analyze(analysis, "low-traffic");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(verdict.reason()).startsWith("too little traffic: canary ").contains("at least 50 each are needed");
        MetricVerdict traffic = metric(verdict, "traffic");
        assertThat(traffic.canaryValue()).isLessThan(50);
        assertThat(traffic.threshold()).isEqualTo(">= 50 requests each");
    }

    @Test
    void seriesWithoutRequestsGiveNaNWhichIsDroppedAndInconclusive() {
        CanaryVerdict verdict = analyze(analysis, "idle");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.INCONCLUSIVE);
        MetricVerdict success = metric(verdict, "success-rate");
        assertThat(success.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(success.reason()).contains("too few samples: canary 0 usable (").contains("NaN or infinite dropped");
        assertThat(success.canaryValue()).isNull();
        assertThat(verdict.toJson()).doesNotContain(": NaN").doesNotContain("Infinity");
    }

    @Test
    void aSelectorThatMatchesNothingIsInconclusive() {
        CanaryVerdict verdict = analyze(analysis, "no-such-scenario");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(verdict.reason()).contains("no requests were found for the canary").contains("no series matched");
        assertThat(metric(verdict, "latency-p95").reason()).contains("no series matched");
    }

    @Test
    void aQueryPrometheusRejectsFailsTheAnalysisAndQuotesPrometheus() {
        CanaryPolicy broken = CanaryPolicy.parse(POLICY + """
                metrics:
                  - name: saturation
                    query: 'sum(rate(http_requests_total{ {{selector}} }[{{window}}]'
                    direction: increase-is-bad
                """, "broken-policy.yaml");

        CanaryVerdict verdict = analyze(new PrometheusAnalysis(broken, prometheus.endpoint()), "healthy");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.FAIL);
        assertThat(verdict.reason()).startsWith("the analysis could not be done (saturation)").contains("HTTP 400 with bad_data");
        assertThat(metric(verdict, "saturation").reason()).startsWith("cannot be judged:");
    }

    @Test
    void anUnreachablePrometheusIsInconclusiveAndSaysWhere() throws Exception {
        String nowhere = "http://127.0.0.1:" + PrometheusServer.freePort();

        CanaryVerdict verdict = analyze(new PrometheusAnalysis(policy, PrometheusEndpoint.of(nowhere)), "healthy");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(verdict.reason()).contains("could not connect to Prometheus at " + nowhere);
        assertThat(verdict.metrics()).allSatisfy(m -> assertThat(m.outcome()).isEqualTo(Outcome.INCONCLUSIVE));
    }

    @Test
    void aPrometheusThatNeverAnswersTimesOutAsInconclusiveAndGotTheBearerToken() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> requests = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (Socket socket = silent.accept()) {
                    requests.add(readHead(socket.getInputStream()));
                    Thread.sleep(5_000);
                } catch (Exception closed) {
                    // The test is over.
                }
            });
            reader.start();
            PrometheusEndpoint endpoint = PrometheusEndpoint.of("http://127.0.0.1:" + silent.getLocalPort())
                    .withBearerToken("s3cret-token").withTimeout(Duration.ofMillis(500));

            CanaryVerdict verdict = analyze(new PrometheusAnalysis(policy, endpoint), "healthy");

            assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.INCONCLUSIVE);
            assertThat(verdict.reason()).contains("did not answer within 500ms");
            reader.join(3_000);
            assertThat(requests).hasSize(1);
            assertThat(requests.get(0)).startsWith("POST /api/v1/query_range").contains("Authorization: Bearer s3cret-token");
            assertThat(verdict.toText() + verdict.toJson() + endpoint).doesNotContain("s3cret-token");
        }
    }

    @Test
    void refusedCredentialsFailTheAnalysisAndTheSecretIsNeverShown() {
        PrometheusEndpoint wrong = PrometheusEndpoint.of(prometheus.url()).withBasicAuth(PrometheusServer.USER, "wrong-password-x9");

        CanaryVerdict verdict = analyze(new PrometheusAnalysis(policy, wrong), "healthy");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.FAIL);
        assertThat(verdict.reason()).contains("refused the credentials");
        assertThat(verdict.toText() + verdict.toJson() + wrong).doesNotContain("wrong-password-x9");
    }

    @Test
    void credentialsWrittenIntoTheUrlAreUsedButNeverShown() {
        String url = prometheus.url().replace("http://", "http://" + PrometheusServer.USER + ":" + PrometheusServer.PASSWORD + "@");
        PrometheusEndpoint endpoint = PrometheusEndpoint.of(url);

        CanaryVerdict verdict = analyze(new PrometheusAnalysis(policy, endpoint), "healthy");

        assertThat(verdict.outcome()).as(verdict.toText()).isEqualTo(Outcome.PASS);
        assertThat(endpoint.url().toString()).isEqualTo(prometheus.url());
        assertThat(verdict.toText() + verdict.toJson() + endpoint).doesNotContain(PrometheusServer.PASSWORD);
    }

    @Test
    void aVariableTheTargetDoesNotGiveFailsAndNamesIt() {
        Instant to = Instant.now();

        CanaryVerdict verdict = analysis.analyze(new AnalysisTarget(Map.of("namespace", "shop")), to.minus(WINDOW), to);

        assertThat(verdict.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(verdict.reason()).isEqualTo("policy test-policy.yaml: canary: {{scenario}} is not a known variable (known here: namespace);"
                + " give it with the analysis target (--var scenario=...) or remove it from the policy");
    }

    @Test
    void queriesRunOnTheCallingThreadWithoutStartingAnHttpPool() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        CanaryVerdict verdict = analyze(new PrometheusAnalysis(policy, prometheus.endpoint()), "healthy");

        assertThat(verdict.metrics()).hasSize(3).allSatisfy(m -> assertThat(m.canarySamples()).isPositive());
        List<String> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).map(Thread::getName).toList();
        // One connection-pool cleaner and one socket-timeout watchdog serve the whole JVM, however many analyses.
        assertThat(started).isSubsetOf("OkHttp ConnectionPool", "Okio Watchdog");
    }

    @Test
    void oneAnalysisServesManyWatchesAtOnce() throws Exception {
        Map<String, Outcome> expected = Map.of("healthy", Outcome.PASS, "bad-errors", Outcome.FAIL, "bad-latency", Outcome.FAIL,
                "low-traffic", Outcome.INCONCLUSIVE);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Map<String, Future<CanaryVerdict>> running = new java.util.TreeMap<>();
            expected.keySet().forEach(s -> running.put(s, pool.submit(() -> analyze(analysis, s))));

            for (Map.Entry<String, Future<CanaryVerdict>> e : running.entrySet()) {
                CanaryVerdict verdict = e.getValue().get();
                assertThat(verdict.outcome()).as(e.getKey() + ": " + verdict.toText()).isEqualTo(expected.get(e.getKey()));
                assertThat(metric(verdict, "success-rate").canaryQuery()).contains("scenario=\"" + e.getKey() + "\"");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRecordedRunReplaysToTheSameVerdictWithoutPrometheus() throws Exception {
        MetricRecording.Recorder recorder = new MetricRecording.Recorder(new LivePrometheus(prometheus.endpoint()));
        CanaryPolicy demo = CanaryPolicy.load(Path.of("../demo/canary/demo-policy.yaml"));
        Instant to = Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant from = to.minus(WINDOW);
        AnalysisTarget target = AnalysisTarget.none();
        CanaryVerdict live = new PrometheusAnalysis(demo, recorder).analyze(target, from, to);
        Files.createDirectories(RECORDING.getParent());
        recorder.save(RECORDING, from, to, "A live run of PrometheusAnalysisTest against Prometheus 2.42: scenario bad-errors"
                + " (canary 8 % errors, baseline 0.3 %), analysed with canary/demo-policy.yaml.");

        MetricRecording recording = MetricRecording.read(RECORDING);
        CanaryVerdict replayed = new PrometheusAnalysis(demo, recording).analyze(target, recording.from(), recording.to());

        assertThat(live.outcome()).as(live.toText()).isEqualTo(Outcome.FAIL);
        assertThat(replayed.outcome()).isEqualTo(live.outcome());
        assertThat(replayed.score()).isEqualTo(live.score());
        assertThat(replayed.metrics()).isEqualTo(live.metrics());
        assertThat(replayed.reason()).endsWith("[recording bad-canary.json]");
        assertThat(Files.readString(RECORDING)).doesNotContain(PrometheusServer.PASSWORD);
    }

    @Test
    void aRecordingWithoutTheAskedQueryIsAFailureThatSaysWhatToDo() throws Exception {
        MetricRecording recording = MetricRecording.read(Path.of("../demo/canary/bad-canary-recording.json"));

        CanaryVerdict verdict = new PrometheusAnalysis(policy, recording).analyze(scenario("healthy"), recording.from(), recording.to());

        assertThat(verdict.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(verdict.reason()).contains("holds no answer to").contains("or record it again");
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
