package io.jenkins.plugins.securedelivery.canary;

import static io.jenkins.plugins.securedelivery.canary.Controllers.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.jenkins.plugins.securedelivery.canary.CanaryResource.Controller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many watches on a few shared threads, against the mock API server. */
@EnableKubernetesMockClient(crud = true)
class CanaryWatchesTest {

    static final WatchSettings EVERY_SECOND = new WatchSettings(Duration.ofSeconds(1), 0, InconclusiveAction.FAIL,
            Duration.ofMinutes(1), false);

    KubernetesClient client;

    @Test
    void runsManyWatchesToTheirEndOnTwoThreadsWithoutAThreadPerWatch() throws Exception {
        Controllers argo = new Controllers(client);
        KubernetesConnection cluster = KubernetesConnection.of(client);
        Set<String> pollingThreads = ConcurrentHashMap.newKeySet();
        CanaryAnalysis failing = (target, from, to) -> {
            pollingThreads.add(Thread.currentThread().getName());
            return Verdicts.verdict(Outcome.FAIL, from, to);
        };
        List<CompletableFuture<CanaryResult>> results = new ArrayList<>();
        Set<String> saved = ConcurrentHashMap.newKeySet();
        try (CanaryWatches watches = new CanaryWatches(2)) {
            for (int i = 0; i < 30; i++) {
                String name = "service-" + i;
                argo.createRollout(name);
                argo.startCanary(name, "canary" + i, Instant.now());
                CanaryWatch watch = CanaryWatch.start(cluster, new CanaryResource(Controller.ARGO_ROLLOUTS, NAMESPACE, name),
                        failing, EVERY_SECOND, null);
                results.add(watches.watch(watch, state -> saved.add(state.resource().name())));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(results).allSatisfy(r -> assertThat(r.get().status()).isEqualTo(CanaryResult.Status.ABORTED));
            assertThat(pollingThreads).isNotEmpty().allMatch(name -> name.startsWith("canary-watch-")).hasSizeLessThanOrEqualTo(2);
            assertThat(saved).as("every watch's state was offered for saving between polls").hasSize(30);
            assertThat(watches.active()).isZero();
            assertThat(argo.rollout("service-7").at("/status/abort").asBoolean()).isTrue();
        }
    }

    @Test
    void aCancelledWatchIsNotPolledAgain() throws Exception {
        new Controllers(client).createRollout("idle");
        CanaryWatch watch = CanaryWatch.start(KubernetesConnection.of(client),
                new CanaryResource(Controller.ARGO_ROLLOUTS, NAMESPACE, "idle"), new Verdicts(), EVERY_SECOND, null);
        try (CanaryWatches watches = new CanaryWatches(1)) {
            CompletableFuture<CanaryResult> result = watches.watch(watch);
            Thread.sleep(1500);
            result.cancel(false);
            long polls = watches.polls();
            Thread.sleep(2500);

            assertThat(polls).isGreaterThanOrEqualTo(1);
            assertThat(watches.polls()).isLessThanOrEqualTo(polls + 1);
            assertThat(watches.active()).isZero();
        }
    }

    @Test
    void refusesMoreThanFourThreads() {
        assertThatThrownBy(() -> new CanaryWatches(8)).hasMessage("canary watches run on 1 to 4 threads, not 8");
    }
}
