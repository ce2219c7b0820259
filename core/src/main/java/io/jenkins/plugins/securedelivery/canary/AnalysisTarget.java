package io.jenkins.plugins.securedelivery.canary;

import java.util.Map;

/**
 * What one analysis looks at: the values a policy's query and selector templates are filled with ({@code namespace},
 * {@code name}, {@code canaryHash}, {@code stableHash}, ... as the watcher knows them, or none for a policy whose
 * selectors are literal). Keys and values are plain strings; no secret belongs here.
 */
public record AnalysisTarget(Map<String, String> variables) {
    public AnalysisTarget {
        variables = Map.copyOf(variables);
    }

    public static AnalysisTarget none() {
        return new AnalysisTarget(Map.of());
    }
}
