package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plays Argo Rollouts' and Flagger's controllers on the mock API server (CRUD mode): creates Rollout, AnalysisRun
 * and Canary resources shaped as the controllers write them, and moves their status the way the controllers do
 * (argo-rollouts rollout/canary.go and utils/rollout; flagger pkg/controller/scheduler.go).
 */
final class Controllers {

    static final ResourceDefinitionContext ROLLOUTS = context("argoproj.io", "v1alpha1", "Rollout", "rollouts");
    static final ResourceDefinitionContext ANALYSIS_RUNS = context("argoproj.io", "v1alpha1", "AnalysisRun", "analysisruns");
    static final ResourceDefinitionContext CANARIES = context("flagger.app", "v1beta1", "Canary", "canaries");
    static final String NAMESPACE = "platform-prod";
    static final String STABLE = "6d4f8c7b9";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The mock server logs every request at INFO; held here so the setting is not collected away. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("okhttp3.mockwebserver.MockWebServer");

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    private final KubernetesClient client;

    Controllers(KubernetesClient client) {
        this.client = client;
    }

    private static ResourceDefinitionContext context(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /** Seed 000's canary: 10% then 50% then 100%, each weight held at an indefinite pause, the stable revision healthy. */
    ObjectNode createRollout(String name) {
        ObjectNode rollout = (ObjectNode) read("""
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                 "metadata": {"name": "%s", "namespace": "%s"},
                 "spec": {"replicas": 5,
                   "selector": {"matchLabels": {"app": "%s"}},
                   "template": {"metadata": {"labels": {"app": "%s"}},
                     "spec": {"containers": [{"name": "app", "image": "registry.example.com/org/medical-platform@sha256:1111"}]}},
                   "strategy": {"canary": {"steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 50}, {"pause": {}}]}}},
                 "status": {"phase": "Healthy", "currentPodHash": "%s", "stableRS": "%s", "currentStepIndex": 4,
                   "observedGeneration": "1", "replicas": 5, "updatedReplicas": 5, "readyReplicas": 5, "availableReplicas": 5}}
                """.formatted(name, NAMESPACE, name, name, STABLE, STABLE));
        write(ROLLOUTS, rollout);
        return rollout;
    }

    /** A canary at 10% holding a timed pause (Argo resumes it by itself): analysed on every poll, never promoted. */
    void createProgressingRollout(String name, String hash, Instant since) {
        ObjectNode rollout = (ObjectNode) read("""
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                 "metadata": {"name": "%s", "namespace": "%s"},
                 "spec": {"replicas": 5, "selector": {"matchLabels": {"app": "%s"}},
                   "template": {"metadata": {"labels": {"app": "%s"}},
                     "spec": {"containers": [{"name": "app", "image": "registry.example.com/org/medical-platform@sha256:%s"}]}},
                   "strategy": {"canary": {"steps": [{"setWeight": 10}, {"pause": {"duration": "1h"}}, {"setWeight": 50},
                     {"pause": {"duration": "1h"}}]}}},
                 "status": {"phase": "Paused", "message": "CanaryPauseStep", "currentPodHash": "%s", "stableRS": "%s",
                   "currentStepIndex": 1, "controllerPause": true,
                   "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "%s"}],
                   "observedGeneration": "1", "replicas": 6, "updatedReplicas": 1, "readyReplicas": 6, "availableReplicas": 6}}
                """.formatted(name, NAMESPACE, name, name, hash, hash, STABLE, since));
        client.genericKubernetesResources(ROLLOUTS).inNamespace(NAMESPACE)
                .resource(JSON.convertValue(rollout, GenericKubernetesResource.class)).create();
    }

    ObjectNode rollout(String name) {
        GenericKubernetesResource r = client.genericKubernetesResources(ROLLOUTS).inNamespace(NAMESPACE).withName(name).get();
        return r == null ? null : JSON.valueToTree(r);
    }

    /** A new pod template arrives (Argo CD synced a promotion): Argo creates the canary ReplicaSet, sets 10%, pauses. */
    void startCanary(String name, String hash, Instant at) {
        ObjectNode rollout = rollout(name);
        ((ObjectNode) rollout.at("/spec/template/spec/containers/0")).put("image",
                "registry.example.com/org/medical-platform@sha256:" + hash);
        ObjectNode status = (ObjectNode) rollout.get("status");
        status.put("currentPodHash", hash);
        status.put("currentStepIndex", 1);
        status.put("updatedReplicas", 1);
        pauseAt(status, at);
        write(ROLLOUTS, rollout);
    }

    private static void pauseAt(ObjectNode status, Instant at) {
        status.put("phase", "Paused");
        status.put("message", "CanaryPauseStep");
        status.put("controllerPause", true);
        ArrayNode conditions = status.putArray("pauseConditions");
        conditions.addObject().put("reason", "CanaryPauseStep").put("startTime", at.toString());
    }

    /**
     * One reconcile: a step whose pause conditions were cleared moves to the next pause (setting the weight before it),
     * or past the last step, where the canary becomes stable; an abort scales the canary down and marks the rollout
     * Degraded with a RolloutAborted condition.
     */
    void reconcile(String name, Instant at) {
        ObjectNode rollout = rollout(name);
        ObjectNode status = (ObjectNode) rollout.get("status");
        if (status.path("abort").asBoolean(false)) {
            status.put("phase", "Degraded");
            status.put("message", "RolloutAborted: Rollout aborted update to revision 2");
            status.put("currentStepIndex", 0);
            status.put("abortedAt", at.toString());
            status.remove("pauseConditions");
            status.putArray("conditions").addObject().put("type", "Progressing").put("status", "False")
                    .put("reason", "RolloutAborted").put("message", "Rollout aborted update to revision 2");
        } else if (status.path("promoteFull").asBoolean(false)) {
            becomeStable(status);
        } else if (status.path("pauseConditions").isEmpty() && status.path("currentPodHash").asText()
                .equals(status.path("stableRS").asText()) == false) {
            int next = status.path("currentStepIndex").asInt() + 2;
            int steps = rollout.at("/spec/strategy/canary/steps").size();
            if (next >= steps) {
                becomeStable(status);
            } else {
                status.put("currentStepIndex", next);
                pauseAt(status, at);
            }
        }
        write(ROLLOUTS, rollout);
    }

    private static void becomeStable(ObjectNode status) {
        status.put("currentStepIndex", 4);
        status.put("stableRS", status.path("currentPodHash").asText());
        status.put("phase", "Healthy");
        status.remove("message");
        status.remove("pauseConditions");
        status.remove("promoteFull");
        status.put("controllerPause", false);
        status.put("updatedReplicas", 5);
    }

    /** Argo's own step analysis failed: the AnalysisRun records the metric, and the controller aborts the rollout. */
    void failOwnAnalysis(String name, String run, Instant at) {
        write(ANALYSIS_RUNS, (ObjectNode) read("""
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
                 "metadata": {"name": "%s", "namespace": "%s"},
                 "status": {"phase": "Failed", "message": "Metric \\"success-rate\\" assessed Failed due to failed (3) > failureLimit (2)",
                   "metricResults": [{"name": "success-rate", "phase": "Failed", "count": 3, "successful": 0, "failed": 3,
                     "inconclusive": 0, "error": 0, "message": "",
                     "measurements": [{"phase": "Failed", "value": "[0.81]", "startedAt": "%s", "finishedAt": "%s"}]}]}}
                """.formatted(run, NAMESPACE, at, at)));
        ObjectNode rollout = rollout(name);
        ObjectNode status = (ObjectNode) rollout.get("status");
        status.put("abort", true);
        status.putObject("canary").putObject("currentStepAnalysisRunStatus").put("name", run).put("status", "Failed")
                .put("message", "Metric \"success-rate\" assessed Failed due to failed (3) > failureLimit (2)");
        write(ROLLOUTS, rollout);
        reconcile(name, at);
    }

    /** Someone changed the pod template again: a newer canary replaces the one under way. */
    void replaceCanary(String name, String hash, Instant at) {
        startCanary(name, hash, at);
    }

    void set(ResourceDefinitionContext kind, String name, String pointer, JsonNode value) {
        GenericKubernetesResource r = client.genericKubernetesResources(kind).inNamespace(NAMESPACE).withName(name).get();
        ObjectNode node = JSON.valueToTree(r);
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        ((ObjectNode) node.at(parent)).set(pointer.substring(pointer.lastIndexOf('/') + 1), value);
        write(kind, node);
    }

    /** Flagger's Canary for seed 004's campaign-service, initialized, with its primary serving the stable spec. */
    void createFlaggerCanary(String name) {
        write(CANARIES, (ObjectNode) read("""
                {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
                 "metadata": {"name": "%s", "namespace": "%s"},
                 "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "%s"},
                   "progressDeadlineSeconds": 600, "service": {"port": 80, "targetPort": 8080},
                   "analysis": {"interval": "1m", "threshold": 5, "maxWeight": 50, "stepWeight": 10}},
                 "status": {"phase": "Initialized", "canaryWeight": 0, "failedChecks": 0, "iterations": 0,
                   "lastAppliedSpec": "5b9f7c6d", "lastPromotedSpec": "5b9f7c6d",
                   "conditions": [{"type": "Promoted", "status": "True", "reason": "Initialized",
                     "message": "Deployment initialization completed."}]}}
                """.formatted(name, NAMESPACE, name)));
    }

    /** Flagger's scheduler: a phase, weight and failed-check count, and the spec hash of the revision it analyses. */
    void flagger(String name, String phase, int weight, int failedChecks, String applied, String promoted, String message) {
        GenericKubernetesResource r = client.genericKubernetesResources(CANARIES).inNamespace(NAMESPACE).withName(name).get();
        ObjectNode canary = JSON.valueToTree(r);
        ObjectNode status = (ObjectNode) canary.get("status");
        status.put("phase", phase).put("canaryWeight", weight).put("failedChecks", failedChecks)
                .put("lastAppliedSpec", applied).put("lastPromotedSpec", promoted);
        ((ObjectNode) status.get("conditions").get(0)).put("reason", phase).put("message", message)
                .put("status", "Succeeded".equals(phase) ? "True" : "Unknown");
        write(CANARIES, canary);
    }

    JsonNode canary(String name) {
        return JSON.valueToTree(client.genericKubernetesResources(CANARIES).inNamespace(NAMESPACE).withName(name).get());
    }

    /**
     * Stores a resource as its controller would leave it: for a Rollout, having observed its latest spec (the server
     * raises metadata.generation on spec changes; the controller then writes it to status.observedGeneration).
     */
    private void write(ResourceDefinitionContext kind, ObjectNode resource) {
        ((ObjectNode) resource.get("metadata")).remove("resourceVersion");
        GenericKubernetesResource r = JSON.convertValue(resource, GenericKubernetesResource.class);
        GenericKubernetesResource stored = client.genericKubernetesResources(kind).inNamespace(NAMESPACE).resource(r)
                .createOr(NonDeletingOperation::update);
        Long generation = stored.getMetadata().getGeneration();
        if (kind == ROLLOUTS && generation != null && !String.valueOf(generation).equals(resource.at("/status/observedGeneration").asText())) {
            ((ObjectNode) resource.get("status")).put("observedGeneration", String.valueOf(generation));
            write(kind, resource);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, String> argoVariables(String name, String canary) {
        return Map.of("namespace", NAMESPACE, "name", name, "canaryHash", canary, "stableHash", STABLE);
    }
}
