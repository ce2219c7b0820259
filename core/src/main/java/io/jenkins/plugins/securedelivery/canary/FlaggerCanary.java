package io.jenkins.plugins.securedelivery.canary;

import static io.jenkins.plugins.securedelivery.canary.KubernetesResources.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.securedelivery.canary.Observation.Stage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Flagger {@code Canary} ({@code flagger.app/v1beta1}). Flagger offers no promote or abort on the resource (its
 * manual gates are webhooks it calls, not calls it takes), so a watch only reads it: a failed verdict is acted on by
 * the rollback in git, which Flagger sees as a new revision of its target.
 */
final class FlaggerCanary implements RolloutController {

    private final KubernetesResources canaries;
    private final String namespace;
    private final String name;

    FlaggerCanary(KubernetesClient client, String namespace, String name) {
        this.canaries = new KubernetesResources(client, "flagger.app", "v1beta1", "Canary", "canaries");
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public Observation observe() {
        JsonNode canary = canaries.get(namespace, name);
        if (canary == null) {
            throw new KubernetesClientException("not found", 404, null);
        }
        return read(canary);
    }

    Observation read(JsonNode canary) {
        JsonNode status = canary.path("status");
        String target = text(canary, "spec", "targetRef", "name");
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("namespace", namespace);
        variables.put("name", name);
        if (target != null) {
            // Flagger runs the new revision in the target workload and the stable one in <target>-primary.
            variables.put("canaryWorkload", target);
            variables.put("primaryWorkload", target + "-primary");
        }
        String phase = text(status, "phase");
        String revision = text(status, "lastAppliedSpec");
        String stable = text(status, "lastPromotedSpec");
        int weight = status.path("canaryWeight").asInt(0);
        int failedChecks = status.path("failedChecks").asInt(0);
        int threshold = canary.path("spec").path("analysis").path("threshold").asInt(0);
        StringBuilder summary = new StringBuilder(phase == null ? "not initialized yet" : phase)
                .append(", canary weight ").append(weight).append('%')
                .append(", failed checks ").append(failedChecks);
        if (threshold > 0) {
            summary.append('/').append(threshold);
        }
        String message = null;
        for (JsonNode condition : status.path("conditions")) {
            if ("Promoted".equals(condition.path("type").asText())) {
                message = condition.path("message").asText(null);
            }
        }
        if (message != null && !message.isEmpty()) {
            summary.append(": ").append(message);
        }
        Stage stage = switch (phase == null ? "" : phase) {
            case "Progressing", "WaitingPromotion" -> Stage.PROGRESSING;
            case "Promoting", "Finalising" -> Stage.FINISHING;
            case "Failed" -> Stage.ABORTED;
            case "Terminating", "Terminated" -> Stage.GONE;
            case "Succeeded", "Initialized" -> revision != null && revision.equals(stable) ? Stage.SETTLED : Stage.UNSETTLED;
            default -> Stage.UNSETTLED;
        };
        String failure = stage == Stage.ABORTED
                ? "Flagger failed the canary after " + failedChecks + " failed checks" + (message != null ? ": " + message : "")
                : null;
        return new Observation(stage, revision, stable, null, summary.toString(), variables, failure);
    }

    @Override
    public String promote(boolean full) {
        return "Flagger promotes by its own analysis: nothing was changed on the Canary";
    }

    @Override
    public String abort() {
        return "Flagger has no abort on the Canary resource: the rollback in git is what stops this release";
    }

    @Override
    public String pause() {
        return "Flagger cannot be held from outside without changing the Canary's spec: it goes on under its own"
                + " analysis";
    }
}
