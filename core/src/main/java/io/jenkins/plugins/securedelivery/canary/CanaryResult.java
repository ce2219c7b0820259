package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How a canary watch ended, and why, in words a person can check.
 *
 * @param status         how it ended; only {@link Status#PROMOTED} is a pass
 * @param reason         why, naming the rollout, the revision, the verdict or the API answer that decided
 * @param resource       the rollout watched
 * @param revision       the canary revision judged (Argo pod-template hash, Flagger spec hash), or null if none was
 *                       seen
 * @param verdicts       the latest verdicts taken, oldest first
 * @param decisive       the full verdict that decided, when one did in this process; else null
 * @param rollbackCommit the GitOps commit that rolled the environment back, or null
 * @param finishedAt     when the watch ended
 */
public record CanaryResult(Status status, String reason, CanaryResource resource, String revision,
        List<SeenVerdict> verdicts, CanaryVerdict decisive, String rollbackCommit, Instant finishedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a watch ended. */
    public enum Status {
        /** The canary passed the analysis and its controller made it the stable revision. */
        PROMOTED,
        /** The canary failed; the rollout was stopped and the environment rolled back in git. */
        ROLLED_BACK,
        /** The canary failed and the rollout was stopped, but git still names the failed release (see the reason). */
        ABORTED,
        /** The analysis stayed inconclusive; the rollout was left paused for a person to decide. */
        PAUSED,
        /** The analysis stayed inconclusive; the rollout was left to its controller (Flagger cannot be held). */
        INCONCLUSIVE,
        /** A newer revision replaced the one watched (its spec changed), before it was judged. */
        SUPERSEDED,
        /** The rollout finished without a passing verdict to vouch for it. */
        NOT_JUDGED,
        /** The rollout could not be watched: missing, forbidden, unauthorized, or already aborted. */
        CANNOT_WATCH,
        /** The watch ran out of time before the rollout finished. */
        TIMED_OUT
    }

    public CanaryResult {
        verdicts = List.copyOf(verdicts);
    }

    /** True only when the canary was promoted after passing analysis: every other end is a failure. */
    public boolean passed() {
        return status == Status.PROMOTED;
    }

    /** A few lines for a terminal or a build log. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Canary %s %s%s: %s%n", resource.display(), status,
                revision != null ? " (revision " + revision + ")" : "", reason));
        for (SeenVerdict v : verdicts) {
            text.append(String.format(Locale.ROOT, "  %-12s score %3.0f  %s to %s  %s%n", v.outcome(), v.score(), v.from(),
                    v.to(), v.reason()));
        }
        if (rollbackCommit != null) {
            text.append("  rollback commit: ").append(rollbackCommit).append(System.lineSeparator());
        }
        if (decisive != null) {
            text.append(decisive.toText());
        }
        return text.toString();
    }

    /** The result as a JSON object, with the decisive verdict as {@link CanaryVerdict#toJson()} writes it. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", status.name());
        root.put("passed", passed());
        root.put("reason", reason);
        root.put("controller", resource.controller().name());
        root.put("namespace", resource.namespace());
        root.put("name", resource.name());
        root.put("revision", revision);
        root.put("rollbackCommit", rollbackCommit);
        root.put("finishedAt", finishedAt.toString());
        ArrayNode list = root.putArray("verdicts");
        for (SeenVerdict v : verdicts) {
            ObjectNode node = list.addObject();
            node.put("outcome", v.outcome().name());
            node.put("score", v.score());
            node.put("from", v.from().toString());
            node.put("to", v.to().toString());
            node.put("reason", v.reason());
        }
        try {
            root.set("decisive", decisive == null ? null : JSON.readTree(decisive.toJson()));
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
