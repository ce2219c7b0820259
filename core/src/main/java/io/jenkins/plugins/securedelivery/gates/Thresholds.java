package io.jenkins.plugins.securedelivery.gates;

import java.util.List;
import java.util.Map;

/** The rules' settings for one environment, after the policy and its environment's overrides are merged. */
record Thresholds(
        boolean testsRequired,
        boolean coverageRequired,
        double coverageMin,
        boolean vulnerabilitiesRequired,
        Map<String, Integer> vulnerabilityMax,
        boolean licensesRequired,
        List<String> allowedLicenses,
        boolean unknownLicenseWarns,
        boolean secretsRequired,
        boolean sastRequired,
        String sastFailOn) {

    /** SARIF levels from most to least severe. */
    static final List<String> SARIF_LEVELS = List.of("error", "warning", "note", "none");

    /** Severities in the order the verdict lists them. */
    static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "unknown");

    Thresholds {
        vulnerabilityMax = Map.copyOf(vulnerabilityMax);
        allowedLicenses = List.copyOf(allowedLicenses);
    }

    boolean sastFails(String level) {
        int index = SARIF_LEVELS.indexOf(level);
        return index >= 0 && index <= SARIF_LEVELS.indexOf(sastFailOn);
    }
}
