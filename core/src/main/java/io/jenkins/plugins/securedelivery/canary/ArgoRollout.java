package io.jenkins.plugins.securedelivery.canary;

import static io.jenkins.plugins.securedelivery.canary.KubernetesResources.at;
import static io.jenkins.plugins.securedelivery.canary.KubernetesResources.text;
import static io.jenkins.plugins.securedelivery.canary.KubernetesResources.time;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.securedelivery.canary.Observation.Stage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An Argo Rollouts {@code Rollout} ({@code argoproj.io/v1alpha1}), read and acted on as Argo's own tools do:
 * the phase as {@code CalculateRolloutPhase} sets it, the set weight as {@code GetCurrentSetWeight} computes it, and
 * promote / abort / pause as {@code kubectl argo rollouts} patches them (status subresource first, the whole resource
 * when the cluster's Rollouts are older than v0.10 and have no status subresource).
 */
final class ArgoRollout implements RolloutController {

    private static final String ABORTED_REASON = "RolloutAborted";

    private final KubernetesResources rollouts;
    private final KubernetesResources analysisRuns;
    private final String namespace;
    private final String name;

    ArgoRollout(KubernetesClient client, String namespace, String name) {
        this.rollouts = new KubernetesResources(client, "argoproj.io", "v1alpha1", "Rollout", "rollouts");
        this.analysisRuns = new KubernetesResources(client, "argoproj.io", "v1alpha1", "AnalysisRun", "analysisruns");
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public Observation observe() {
        JsonNode rollout = rollouts.get(namespace, name);
        if (rollout == null) {
            throw new KubernetesClientException("not found", 404, null);
        }
        return read(rollout);
    }

    Observation read(JsonNode rollout) {
        JsonNode status = rollout.path("status");
        String revision = text(status, "currentPodHash");
        String stable = text(status, "stableRS");
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("namespace", namespace);
        variables.put("name", name);
        if (revision != null) {
            variables.put("canaryHash", revision);
        }
        if (stable != null) {
            variables.put("stableHash", stable);
        }
        String phase = text(status, "phase");
        String message = text(status, "message");
        JsonNode steps = at(rollout, "spec", "strategy", "canary", "steps");
        int stepCount = steps != null && steps.isArray() ? steps.size() : 0;
        JsonNode indexNode = status.get("currentStepIndex");
        Integer stepIndex = indexNode != null && indexNode.isNumber() ? indexNode.asInt() : null;
        boolean aborted = status.path("abort").asBoolean(false) || abortedCondition(status) != null;

        StringBuilder summary = new StringBuilder(phase == null ? "not reconciled yet" : phase);
        if (stepIndex != null && stepCount > 0) {
            summary.append(", step ").append(Math.min(stepIndex + 1, stepCount)).append('/').append(stepCount);
            if (stepIndex >= stepCount) {
                summary.append(" (all steps done)");
            }
        }
        summary.append(", set weight ").append(setWeight(aborted, stepIndex, steps)).append('%');
        JsonNode traffic = at(status, "canary", "weights", "canary", "weight");
        if (traffic != null && traffic.isNumber()) {
            summary.append(", traffic ").append(traffic.asInt()).append('%');
        }
        for (String run : new String[] {"currentStepAnalysisRunStatus", "currentBackgroundAnalysisRunStatus"}) {
            JsonNode ref = at(status, "canary", run);
            if (ref != null && ref.hasNonNull("name")) {
                summary.append(", analysis run ").append(ref.get("name").asText()).append(": ")
                        .append(ref.path("status").asText("Pending"));
                String runMessage = text(ref, "message");
                if (runMessage != null && !runMessage.isEmpty()) {
                    summary.append(" (").append(runMessage).append(')');
                }
            }
        }
        if (message != null && !message.isEmpty()) {
            summary.append(": ").append(message);
        }

        if (aborted) {
            String why = abortedCondition(status);
            return new Observation(Stage.ABORTED, revision, stable, null, summary.toString(), variables,
                    (why != null ? why : message != null ? message : "status.abort is set") + analysisRunDetail(status));
        }
        String observed = text(status, "observedGeneration");
        String generation = text(rollout, "metadata", "generation");
        if (phase == null || revision == null
                || (observed != null && generation != null && !observed.equals(generation))) {
            return new Observation(Stage.UNSETTLED, revision, stable, null, summary.toString(), variables, null);
        }
        if (revision.equals(stable)) {
            Stage stage = "Healthy".equals(phase) ? Stage.SETTLED : Stage.UNSETTLED;
            return new Observation(stage, revision, stable, null, summary.toString(), variables, null);
        }
        if (rollout.path("spec").path("paused").asBoolean(false)) {
            return new Observation(Stage.PAUSED_BY_HAND, revision, stable, null, summary + " (paused by hand)",
                    variables, null);
        }
        Instant pausedSince = indefinitePause(status, steps, stepIndex);
        if (pausedSince != null) {
            return new Observation(Stage.AWAITING_PROMOTION, revision, stable, pausedSince, summary.toString(),
                    variables, null);
        }
        if (status.path("promoteFull").asBoolean(false) || stepIndex != null && stepIndex >= stepCount && stepCount > 0) {
            return new Observation(Stage.FINISHING, revision, stable, null, summary.toString(), variables, null);
        }
        return new Observation(Stage.PROGRESSING, revision, stable, null, summary.toString(), variables, null);
    }

    /** The message of a condition whose reason is RolloutAborted, as the controller writes it; else null. */
    private static String abortedCondition(JsonNode status) {
        for (JsonNode condition : status.path("conditions")) {
            if (ABORTED_REASON.equals(condition.path("reason").asText())) {
                return ABORTED_REASON + ": " + condition.path("message").asText();
            }
        }
        return null;
    }

    /**
     * When the rollout waits to be promoted: paused at a step whose pause has no duration (Argo resumes timed pauses
     * by itself), or paused on an inconclusive AnalysisRun. The time the pause began, or null.
     */
    private static Instant indefinitePause(JsonNode status, JsonNode steps, Integer stepIndex) {
        for (JsonNode condition : status.path("pauseConditions")) {
            String reason = condition.path("reason").asText();
            Instant since = time(text(condition, "startTime"));
            if ("InconclusiveAnalysisRun".equals(reason)) {
                return since != null ? since : Instant.EPOCH;
            }
            if ("CanaryPauseStep".equals(reason) && steps != null && stepIndex != null && stepIndex < steps.size()) {
                JsonNode pause = steps.get(stepIndex).get("pause");
                if (pause != null && !pause.hasNonNull("duration")) {
                    return since != null ? since : Instant.EPOCH;
                }
            }
        }
        return null;
    }

    /** Argo's GetCurrentSetWeight: the last setWeight at or before the current step; 100 after the last step. */
    private static int setWeight(boolean aborted, Integer stepIndex, JsonNode steps) {
        if (aborted) {
            return 0;
        }
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            return 100;
        }
        int index = stepIndex == null ? 0 : stepIndex;
        if (index >= steps.size()) {
            return 100;
        }
        for (int i = index; i >= 0; i--) {
            JsonNode weight = steps.get(i).get("setWeight");
            if (weight != null && weight.isNumber()) {
                return weight.asInt();
            }
        }
        return 0;
    }

    /** For a failed AnalysisRun the rollout names, each failed metric's result, read from the AnalysisRun itself. */
    private String analysisRunDetail(JsonNode status) {
        StringBuilder detail = new StringBuilder();
        for (String run : new String[] {"currentStepAnalysisRunStatus", "currentBackgroundAnalysisRunStatus"}) {
            JsonNode ref = at(status, "canary", run);
            String runName = ref == null ? null : text(ref, "name");
            String phase = ref == null ? null : text(ref, "status");
            if (runName == null || !("Failed".equals(phase) || "Error".equals(phase) || "Inconclusive".equals(phase))) {
                continue;
            }
            JsonNode analysisRun;
            try {
                analysisRun = analysisRuns.get(namespace, runName);
            } catch (KubernetesClientException unreadable) {
                detail.append("; AnalysisRun ").append(runName).append(" could not be read (HTTP ")
                        .append(unreadable.getCode()).append(')');
                continue;
            }
            if (analysisRun == null) {
                continue;
            }
            for (JsonNode metric : at(analysisRun, "status").path("metricResults")) {
                String metricPhase = metric.path("phase").asText();
                if ("Successful".equals(metricPhase)) {
                    continue;
                }
                detail.append("; AnalysisRun ").append(runName).append(" metric ").append(metric.path("name").asText())
                        .append(": ").append(metricPhase).append(" (").append(metric.path("successful").asInt())
                        .append(" successful, ").append(metric.path("failed").asInt()).append(" failed, ")
                        .append(metric.path("inconclusive").asInt()).append(" inconclusive, ")
                        .append(metric.path("error").asInt()).append(" errors)");
                String message = text(metric, "message");
                if (message != null && !message.isEmpty()) {
                    detail.append(": ").append(message);
                }
            }
        }
        return detail.toString();
    }

    /** Called only at an indefinite pause, where {@code status.pauseConditions} is set and the canary is not stable. */
    @Override
    public String promote(boolean full) {
        if (full) {
            rollouts.mergePatch(namespace, name, true, "{\"status\":{\"promoteFull\":true}}");
            return "promoted fully (status.promoteFull=true)";
        }
        try {
            rollouts.mergePatch(namespace, name, true, "{\"status\":{\"pauseConditions\":null}}");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            rollouts.mergePatch(namespace, name, false, "{\"spec\":{\"paused\":false},\"status\":{\"pauseConditions\":null}}");
        }
        return "promoted the step (cleared status.pauseConditions)";
    }

    @Override
    public String abort() {
        try {
            rollouts.mergePatch(namespace, name, true, "{\"status\":{\"abort\":true}}");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            rollouts.mergePatch(namespace, name, false, "{\"status\":{\"abort\":true}}");
        }
        return "aborted the rollout (status.abort=true): Argo Rollouts sends all traffic back to the stable revision";
    }

    @Override
    public String pause() {
        rollouts.mergePatch(namespace, name, false, "{\"spec\":{\"paused\":true}}");
        return "paused the rollout (spec.paused=true): promote it with `kubectl argo rollouts promote " + name
                + " -n " + namespace + "` or abort it";
    }
}
