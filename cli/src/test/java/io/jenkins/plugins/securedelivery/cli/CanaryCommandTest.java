package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.jenkins.plugins.securedelivery.canary.CanaryAnalysis;
import io.jenkins.plugins.securedelivery.canary.CanaryVerdict;
import io.jenkins.plugins.securedelivery.canary.Outcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code secure-delivery canary} in-process against the mock API server (CRUD mode) holding an Argo Rollout with a
 * canary at its first pause, and a GitOps repository made as the demo makes it.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class CanaryCommandTest {

    static final ResourceDefinitionContext ROLLOUTS = new ResourceDefinitionContext.Builder().withGroup("argoproj.io")
            .withVersion("v1alpha1").withKind("Rollout").withPlural("rollouts").withNamespaced(true).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Logger MOCK_SERVER_LOG = Logger.getLogger("okhttp3.mockwebserver.MockWebServer");

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path temp;
    Path kubeconfig;
    String repo;

    @BeforeEach
    void cluster() throws Exception {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        kubeconfig = Files.writeString(temp.resolve("kubeconfig"), """
                apiVersion: v1
                current-context: ci
                clusters: [{name: ci, cluster: {server: "http://127.0.0.1:%d"}}]
                contexts: [{name: ci, context: {cluster: ci, user: jenkins}}]
                users: [{name: jenkins, user: {token: "s3cr3t-service-account-token"}}]
                """.formatted(server.getPort()));
        ObjectNode rollout = (ObjectNode) JSON.readTree("""
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                 "metadata": {"name": "medical-platform", "namespace": "platform-prod"},
                 "spec": {"strategy": {"canary": {"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 50}, {"pause": {}}]}}},
                 "status": {"phase": "Paused", "message": "CanaryPauseStep", "currentPodHash": "7f9c5d8e4", "stableRS": "6d4f8c7b9",
                   "currentStepIndex": 1, "observedGeneration": "1",
                   "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "%s"}]}}
                """.formatted(Instant.now().minusSeconds(30)));
        client.genericKubernetesResources(ROLLOUTS).inNamespace("platform-prod")
                .resource(JSON.convertValue(rollout, GenericKubernetesResource.class)).create();

        Path work = temp.resolve("seed");
        DemoCommand.copyTree(GitOpsCommandsTest.GITOPS, work);
        DemoCommand.createGitopsRepository(work, temp.resolve("gitops.git"));
        repo = temp.resolve("gitops.git").toUri().toString();
        for (String digest : List.of(GitOpsCommandsTest.ONE, GitOpsCommandsTest.TWO)) {
            assertThat(CommandLineRun.of("promote", "--repo", repo, "--env", "prod", "--image",
                    GitOpsCommandsTest.IMAGE + "=registry.example.com/org/app@" + digest).exitCode()).isZero();
        }
    }

    private static CommandLineRun canary(CanaryAnalysis analysis, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new CanaryCommand(analysis));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        int code = commandLine.execute(args);
        return new CommandLineRun(code, out.toString(), err.toString());
    }

    private static CanaryAnalysis always(Outcome outcome) {
        return (target, from, to) -> new CanaryVerdict(outcome, outcome == Outcome.PASS ? 100 : 0,
                outcome == Outcome.FAIL ? "error rate 4.1% > 1%" : "error rate 0.2% <= 1%", from, to, List.of());
    }

    @Test
    void aFailingCanaryIsAbortedAndRolledBackInGitAndExitsOne() {
        CommandLineRun run = canary(always(Outcome.FAIL), "--rollout", "medical-platform", "--namespace", "platform-prod",
                "--kubeconfig", kubeconfig.toString(), "--interval", "1s", "--rollback-repo", repo, "--env", "prod");
        CommandLineRun history = CommandLineRun.of("history", "--repo", repo, "--env", "prod", "--format", "json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("watching rollout/platform-prod/medical-platform").contains("Paused, step 2/4, set weight 10%");
        assertThat(run.out()).contains("ROLLED_BACK (revision 7f9c5d8e4)").contains("error rate 4.1% > 1%")
                .contains("rollback commit: ");
        assertThat(client.genericKubernetesResources(ROLLOUTS).inNamespace("platform-prod").withName("medical-platform")
                .get().<Object>get("status", "abort")).isEqualTo(Boolean.TRUE);
        assertThat(history.out()).contains("\"rollbackOf\"");
        assertThat(run.out() + run.err()).doesNotContain("s3cr3t-service-account-token");
    }

    @Test
    void aPassingCanaryIsPromotedStepByStepAndExitsZeroWhenTheControllerMakesItStable() throws Exception {
        Thread controller = new Thread(() -> {
            // Argo Rollouts, reduced to what this test needs: once the pause is promoted, the canary becomes stable.
            while (!Thread.currentThread().isInterrupted()) {
                GenericKubernetesResource r = client.genericKubernetesResources(ROLLOUTS).inNamespace("platform-prod")
                        .withName("medical-platform").get();
                ObjectNode node = JSON.valueToTree(r);
                ObjectNode status = (ObjectNode) node.get("status");
                if (status.path("pauseConditions").isEmpty() && !"Healthy".equals(status.path("phase").asText())) {
                    status.put("stableRS", "7f9c5d8e4").put("phase", "Healthy").put("currentStepIndex", 4);
                    ((ObjectNode) node.get("metadata")).remove("resourceVersion");
                    client.genericKubernetesResources(ROLLOUTS).inNamespace("platform-prod")
                            .resource(JSON.convertValue(node, GenericKubernetesResource.class)).update();
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        controller.start();
        CommandLineRun run = canary(always(Outcome.PASS), "--rollout", "medical-platform", "-n", "platform-prod",
                "--kubeconfig", kubeconfig.toString(), "--interval", "1s", "--format", "json");
        controller.interrupt();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"status\" : \"PROMOTED\"").contains("\"passed\" : true");
    }

    @Test
    void withoutAMetricAnalysisTheCanaryIsNeverPassed() {
        CommandLineRun run = canary(null, "--rollout", "medical-platform", "-n", "platform-prod",
                "--kubeconfig", kubeconfig.toString(), "--interval", "1s", "--inconclusive-limit", "0", "--on-inconclusive", "pause");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("PAUSED").contains("no metric analysis was given");
    }

    @Test
    void badConnectionOptionsAreBadInputNamingTheOption() {
        CommandLineRun context = canary(always(Outcome.PASS), "--rollout", "medical-platform", "-n", "platform-prod",
                "--kubeconfig", kubeconfig.toString(), "--context", "prod");
        CommandLineRun clear = canary(always(Outcome.PASS), "--rollout", "medical-platform", "-n", "platform-prod",
                "--api-url", "http://k8s.example.com", "--token-file", kubeconfig.toString());
        CommandLineRun missing = canary(always(Outcome.PASS), "--rollout", "no-such-app", "-n", "platform-prod",
                "--kubeconfig", kubeconfig.toString(), "--interval", "1s");

        assertThat(context.exitCode()).isEqualTo(2);
        assertThat(context.err()).contains("has no context 'prod' (contexts there: ci)");
        assertThat(clear.exitCode()).isEqualTo(2);
        assertThat(clear.err()).contains("API URL http://k8s.example.com: is plain http");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).contains("CANNOT_WATCH").contains("no rollouts.argoproj.io named no-such-app");
    }
}
