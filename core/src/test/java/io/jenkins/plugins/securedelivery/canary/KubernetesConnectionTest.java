package io.jenkins.plugins.securedelivery.canary;

import static io.jenkins.plugins.securedelivery.canary.Controllers.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.securedelivery.canary.CanaryResource.Controller;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three ways to reach a cluster, against the mock API server on loopback (plain HTTP, and HTTPS for TLS checks). */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesConnectionTest {

    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXNlcnZpY2UtYWNjb3VudA.c2lnbmF0dXJl";
    static final CanaryResource ROLLOUT = new CanaryResource(Controller.ARGO_ROLLOUTS, NAMESPACE, "medical-platform");

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void rollout() {
        new Controllers(client).createRollout(ROLLOUT.name());
    }

    private PollResult pollOnce(KubernetesConnection connection) {
        return CanaryWatch.start(connection, ROLLOUT, new Verdicts(), WatchSettings.defaults(), null)
                .poll(Instant.parse("2026-11-24T10:00:00Z"));
    }

    private String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    @Test
    void readsTheClusterAndContextAKubeconfigNamesWithItsToken() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                current-context: staging
                clusters:
                - name: prod
                  cluster: {server: "%s"}
                - name: staging
                  cluster: {server: "http://127.0.0.1:1"}
                contexts:
                - name: prod
                  context: {cluster: prod, user: jenkins, namespace: %s}
                - name: staging
                  context: {cluster: staging, user: jenkins}
                users:
                - name: jenkins
                  user: {token: "%s"}
                """.formatted(url(), NAMESPACE, TOKEN));

        try (KubernetesConnection connection = KubernetesConnection.kubeconfig(kubeconfig, "prod")) {
            PollResult poll = pollOnce(connection);

            assertThat(poll).isInstanceOf(PollResult.Again.class);
            assertThat(((PollResult.Again) poll).state().baselineRevision()).isEqualTo(Controllers.STABLE);
            assertThat(server.getLastRequest().getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(connection.toString()).contains("context prod").doesNotContain(TOKEN);
        }
    }

    @Test
    void aContextTheKubeconfigDoesNotDefineIsNamedWithTheOnesItDoes() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                clusters: [{name: a, cluster: {server: "https://k8s.example.com"}}]
                contexts: [{name: dev, context: {cluster: a}}, {name: prod, context: {cluster: a}}]
                users: []
                """);

        assertThatThrownBy(() -> KubernetesConnection.kubeconfig(kubeconfig, "staging"))
                .isInstanceOf(KubernetesConnectionException.class)
                .hasMessage("kubeconfig " + kubeconfig + ": has no context 'staging' (contexts there: dev, prod). Name one of its contexts");
    }

    @Test
    void readsATokenFileOnEveryRequestSoARotatedTokenIsUsed() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        try (KubernetesConnection connection = KubernetesConnection.tokenFile(url(), token, null)) {
            pollOnce(connection);
            String first = server.getLastRequest().getHeader("Authorization");
            Files.writeString(token, "rotated-token");
            pollOnce(connection);

            assertThat(first).isEqualTo("Bearer " + TOKEN);
            assertThat(server.getLastRequest().getHeader("Authorization")).isEqualTo("Bearer rotated-token");
            assertThat(connection.toString()).doesNotContain(TOKEN).contains("token from " + token);
        }
    }

    @Test
    void refusesToSendATokenInClearToAnotherHost() {
        assertThatThrownBy(() -> KubernetesConnection.token("http://k8s.example.com:6443", TOKEN, null))
                .isInstanceOf(KubernetesConnectionException.class)
                .hasMessageContaining("is plain http, which would send the token in clear")
                .hasMessageNotContaining(TOKEN);
        assertThat(KubernetesConnection.token(url(), TOKEN, null).toString()).doesNotContain(TOKEN).contains("a token (hidden)");
    }

    @Test
    void inClusterUsesTheServiceAccountAndSaysSoWhenItIsNotInAPod() throws Exception {
        Path serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(serviceAccount.resolve("token"), TOKEN);
        try (InputStream cert = KubernetesMockServer.class.getResourceAsStream("/ssl/fabric8.crt")) {
            Files.copy(cert, serviceAccount.resolve("ca.crt"));
        }

        assertThatThrownBy(() -> KubernetesConnection.inCluster(serviceAccount, Map.of()))
                .isInstanceOf(KubernetesConnectionException.class)
                .hasMessageContaining("KUBERNETES_SERVICE_HOST is not set");
        try (KubernetesConnection connection = KubernetesConnection.inCluster(serviceAccount,
                Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", String.valueOf(server.getPort())))) {
            assertThat(connection.toString()).isEqualTo("API https://127.0.0.1:" + server.getPort() + " with token from "
                    + serviceAccount.resolve("token") + " and CA " + serviceAccount.resolve("ca.crt"));
        }
    }

    @Test
    void aServerTheCaDoesNotVouchForIsNeverTrustedAndTheWatchDoesNotPass() throws Exception {
        KubernetesMockServer https = new KubernetesMockServer(true);
        https.init();
        Path ca = dir.resolve("ca.crt");
        try (InputStream cert = KubernetesMockServer.class.getResourceAsStream("/ssl/fabric8.crt")) {
            // The mock's certificate names no host, so even signed by this CA it cannot vouch for 127.0.0.1.
            Files.copy(cert, ca);
        }
        try (KubernetesConnection connection = KubernetesConnection.token("https://127.0.0.1:" + https.getPort(), TOKEN, ca)) {
            CanaryWatch watch = CanaryWatch.start(connection, ROLLOUT, new Verdicts(), new WatchSettings(Duration.ofMinutes(1),
                    0, InconclusiveAction.FAIL, Duration.ofMinutes(1), false), null);
            PollResult first = watch.poll(Instant.parse("2026-11-24T10:00:00Z"));
            PollResult last = watch.poll(Instant.parse("2026-11-24T10:01:00Z"));

            assertThat(((PollResult.Again) first).state().lastObserved()).contains("could not be read (SSLPeerUnverifiedException");
            assertThat(((PollResult.Done) last).result().status()).isEqualTo(CanaryResult.Status.TIMED_OUT);
            assertThat(((PollResult.Done) last).result().toJson()).doesNotContain(TOKEN);
        } finally {
            https.destroy();
        }
    }

    @Test
    void pollsOnTheCallingThreadWithoutStartingAnHttpPoolOrATimer() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (KubernetesConnection connection = KubernetesConnection.token(url(), TOKEN, null)) {
            pollOnce(connection);
            pollOnce(connection);

            List<String> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .map(Thread::getName).filter(n -> !n.startsWith("MockWebServer")).toList();
            // One connection-pool cleaner and one socket-timeout watchdog serve the whole JVM, however many watches.
            assertThat(started).isSubsetOf("OkHttp ConnectionPool", "Okio Watchdog");
        }
    }

    @Test
    void anApiServerThatNeverAnswersEndsThePollWithinTheTimeoutAndSaysSo() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                KubernetesConnection connection = KubernetesConnection.token("http://127.0.0.1:" + silent.getLocalPort(), TOKEN, null)) {
            long started = System.nanoTime();

            PollResult poll = pollOnce(connection);

            // It waited for the 10 s timeout rather than failing at once; how much longer a loaded machine takes is not asserted.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
            assertThat(((PollResult.Again) poll).state().lastObserved()).startsWith("the Kubernetes API could not be read (")
                    .doesNotContain(TOKEN);
        }
    }
}
