package io.jenkins.plugins.securedelivery.gates;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SARIF 2.1.0, Trivy JSON, gitleaks JSON and CycloneDX JSON, told apart by their shape. Read as Jackson trees (the
 * file size is bounded before): no library models Trivy's or gitleaks' output, and cyclonedx-core-java stops at
 * spec 1.6 while scanners already write 1.7, and only licences and vulnerabilities are needed here.
 * Secret values ({@code Secret}, {@code Match}, snippets) are never read.
 */
final class JsonReports {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** CycloneDX analysis states that say the component is not exposed to the vulnerability. */
    private static final Set<String> NOT_EXPOSED = Set.of("not_affected", "false_positive", "resolved", "resolved_with_pedigree");

    private JsonReports() {}

    /** Reads one JSON file into {@code into}; returns what it was read as, or null with {@code why} set when it is no report. */
    static String read(Path file, String shown, ReportContents into, StringBuilder why) throws IOException {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (JacksonException e) {
            int line = e.getLocation() != null ? e.getLocation().getLineNr() : 0;
            throw new GateInputException(shown + (line > 0 ? ":" + line : ""), "not valid JSON (" + XmlReports.firstLine(e.getOriginalMessage()) + ")",
                    "regenerate the report, or move files that are not reports out of the reports directory");
        }
        if (root == null || root.isMissingNode()) {
            throw new GateInputException(shown, "is empty", "regenerate the report; a clean scan still writes a report");
        }
        if (root.isObject() && root.has("runs")) {
            String version = root.path("version").asText();
            if (!version.equals("2.1.0")) {
                throw new GateInputException(shown, "is SARIF version \"" + version + "\"", "the gate reads SARIF 2.1.0: run the tool with its SARIF 2.1.0 output");
            }
            if (!root.get("runs").isArray()) {
                throw new GateInputException(shown + " field runs", "is not a list", "regenerate the report");
            }
            return sarif(root, shown, into);
        }
        if (root.isObject() && "CycloneDX".equals(root.path("bomFormat").asText())) {
            cycloneDx(root, shown, into);
            return "CycloneDX SBOM" + (root.has("vulnerabilities") ? " with vulnerabilities" : "");
        }
        if (root.isObject() && root.has("SchemaVersion") && (root.has("Results") || root.has("ArtifactName"))) {
            trivy(root, shown, into);
            return "Trivy JSON";
        }
        if (root.isArray() && isGitleaks(root, file)) {
            gitleaks(root, shown, into);
            return "gitleaks JSON";
        }
        why.append(root.isArray() ? "a JSON list that is not a gitleaks report" : "JSON that is not SARIF, Trivy, gitleaks or CycloneDX");
        return null;
    }

    private static boolean isGitleaks(JsonNode root, Path file) {
        if (root.isEmpty()) {
            // A clean gitleaks run writes [], which only its name can tell from any other empty list.
            return file.getFileName().toString().toLowerCase(Locale.ROOT).contains("gitleaks");
        }
        for (JsonNode item : root) {
            if (!item.isObject() || !item.has("RuleID") || !item.has("File")) {
                return false;
            }
        }
        return true;
    }

    private static void gitleaks(JsonNode root, String shown, ReportContents into) {
        into.secretReports.add(shown);
        for (JsonNode leak : root) {
            String rule = leak.path("RuleID").asText();
            String description = leak.path("Description").asText();
            String commit = leak.path("Commit").asText();
            String title = (description.isEmpty() ? rule : description) + (commit.isEmpty() ? "" : " (commit " + shortCommit(commit) + ")");
            into.secrets.add(new Finding(rule, "", title, leak.path("File").asText(), leak.path("StartLine").asInt(), leak.path("Fingerprint").asText(),
                    "gitleaks", shown));
        }
    }

    private static void trivy(JsonNode root, String shown, ReportContents into) {
        into.vulnerabilityReports.add(shown);
        boolean config = false;
        for (JsonNode result : root.path("Results")) {
            String target = result.path("Target").asText();
            for (JsonNode vulnerability : result.path("Vulnerabilities")) {
                String fixed = vulnerability.path("FixedVersion").asText();
                String title = vulnerability.path("PkgName").asText() + " " + vulnerability.path("InstalledVersion").asText()
                        + (fixed.isEmpty() ? ", no fix yet" : ", fixed in " + fixed)
                        + (vulnerability.has("Title") ? ": " + vulnerability.path("Title").asText() : "");
                into.vulnerabilities.add(new Finding(vulnerability.path("VulnerabilityID").asText(), severity(vulnerability.path("Severity").asText()),
                        XmlReports.shorten(title), target, 0, vulnerability.path("PkgID").asText(), "Trivy", shown));
            }
            for (JsonNode secret : result.path("Secrets")) {
                into.secrets.add(new Finding(secret.path("RuleID").asText(), severity(secret.path("Severity").asText()), secret.path("Title").asText(),
                        target, secret.path("StartLine").asInt(), "", "Trivy", shown));
            }
            if ("config".equals(result.path("Class").asText())) {
                config = true;
            }
            for (JsonNode misconfiguration : result.path("Misconfigurations")) {
                if (!"FAIL".equals(misconfiguration.path("Status").asText())) {
                    continue;
                }
                String level = switch (severity(misconfiguration.path("Severity").asText())) {
                    case "critical", "high" -> "error";
                    case "medium" -> "warning";
                    default -> "note";
                };
                into.sastResults.add(new Finding(misconfiguration.path("ID").asText(), level, misconfiguration.path("Title").asText(), target,
                        misconfiguration.path("CauseMetadata").path("StartLine").asInt(), misconfiguration.path("AVDID").asText(), "Trivy", shown));
            }
        }
        if (config) {
            into.sastReports.add(shown);
        }
    }

    private static String sarif(JsonNode root, String shown, ReportContents into) {
        List<String> tools = new ArrayList<>();
        for (JsonNode run : root.get("runs")) {
            String tool = run.path("tool").path("driver").path("name").asText("(unnamed tool)").trim();
            tools.add(tool);
            String lower = tool.toLowerCase(Locale.ROOT);
            boolean secrets = lower.contains("gitleaks");
            boolean vulnerabilities = lower.equals("trivy");
            (secrets ? into.secretReports : vulnerabilities ? into.vulnerabilityReports : into.sastReports).add(shown);
            Map<String, JsonNode> rulesById = new HashMap<>();
            List<JsonNode> driverRules = new ArrayList<>();
            run.path("tool").path("driver").path("rules").forEach(rule -> {
                driverRules.add(rule);
                rulesById.putIfAbsent(rule.path("id").asText(), rule);
            });
            for (JsonNode extension : run.path("tool").path("extensions")) {
                extension.path("rules").forEach(rule -> rulesById.putIfAbsent(rule.path("id").asText(), rule));
            }
            for (JsonNode result : run.path("results")) {
                if (!"fail".equals(result.path("kind").asText("fail")) || suppressed(result)) {
                    continue;
                }
                String ruleId = result.path("ruleId").asText(result.path("rule").path("id").asText(""));
                int index = result.path("ruleIndex").asInt(result.path("rule").path("index").asInt(-1));
                if (ruleId.isEmpty() && index >= 0 && index < driverRules.size()) {
                    ruleId = driverRules.get(index).path("id").asText();
                }
                JsonNode rule = rulesById.getOrDefault(ruleId, index >= 0 && index < driverRules.size() ? driverRules.get(index) : JSON.nullNode());
                String level = result.path("level").asText(rule.path("defaultConfiguration").path("level").asText("warning"));
                JsonNode physical = result.path("locations").path(0).path("physicalLocation");
                String location = physical.path("artifactLocation").path("uri").asText("");
                int line = physical.path("region").path("startLine").asInt(0);
                String message = XmlReports.shorten(XmlReports.firstLine(result.path("message").path("text").asText(ruleId)));
                String fingerprint = first(result.path("fingerprints"));
                if (secrets) {
                    into.secrets.add(new Finding(ruleId, "", message, location, line, fingerprint, tool, shown));
                } else if (vulnerabilities) {
                    String securitySeverity = result.path("properties").path("security-severity")
                            .asText(rule.path("properties").path("security-severity").asText(""));
                    into.vulnerabilities.add(new Finding(ruleId, sarifSeverity(securitySeverity, level), message, location, line, fingerprint, tool, shown));
                } else {
                    into.sastResults.add(new Finding(ruleId, level, message, location, line, fingerprint, tool, shown));
                }
            }
        }
        return "SARIF 2.1.0 (" + String.join(", ", tools) + ")";
    }

    private static boolean suppressed(JsonNode result) {
        for (JsonNode suppression : result.path("suppressions")) {
            String status = suppression.path("status").asText("accepted");
            if (status.equals("accepted")) {
                return true;
            }
        }
        return false;
    }

    /**
     * GitHub's documented mapping of a CVSS-like {@code security-severity} score; without one, the SARIF level: error is
     * high, warning medium, note and none low.
     */
    static String sarifSeverity(String securitySeverity, String level) {
        if (!securitySeverity.isBlank()) {
            try {
                double score = Double.parseDouble(securitySeverity.trim());
                return score >= 9.0 ? "critical" : score >= 7.0 ? "high" : score >= 4.0 ? "medium" : "low";
            } catch (NumberFormatException e) {
                return "unknown";
            }
        }
        return switch (level) {
            case "error" -> "high";
            case "warning" -> "medium";
            default -> "low";
        };
    }

    private static void cycloneDx(JsonNode root, String shown, ReportContents into) {
        into.sbomReports.add(shown);
        components(root.path("components"), shown, into);
        if (!root.has("vulnerabilities")) {
            return;
        }
        into.vulnerabilityReports.add(shown);
        for (JsonNode vulnerability : root.path("vulnerabilities")) {
            if (NOT_EXPOSED.contains(vulnerability.path("analysis").path("state").asText())) {
                continue;
            }
            String worst = "unknown";
            for (JsonNode rating : vulnerability.path("ratings")) {
                String severity = switch (rating.path("severity").asText().toLowerCase(Locale.ROOT)) {
                    case "critical" -> "critical";
                    case "high" -> "high";
                    case "medium" -> "medium";
                    case "low", "info", "none" -> "low";
                    default -> "unknown";
                };
                if (worst.equals("unknown") || Thresholds.SEVERITIES.indexOf(severity) < Thresholds.SEVERITIES.indexOf(worst)) {
                    worst = severity;
                }
            }
            String affected = vulnerability.path("affects").path(0).path("ref").asText("");
            String description = XmlReports.firstLine(vulnerability.path("description").asText(""));
            into.vulnerabilities.add(new Finding(vulnerability.path("id").asText(), worst, XmlReports.shorten(description.isEmpty() ? affected : description),
                    affected, 0, vulnerability.path("bom-ref").asText(), "CycloneDX", shown));
        }
    }

    private static void components(JsonNode components, String shown, ReportContents into) {
        for (JsonNode component : components) {
            List<String> licenses = new ArrayList<>();
            for (JsonNode entry : component.path("licenses")) {
                if (entry.has("expression")) {
                    licenses.add(entry.path("expression").asText());
                } else if (entry.path("license").has("id")) {
                    licenses.add(entry.path("license").path("id").asText());
                } else if (entry.path("license").has("name")) {
                    licenses.add("name:" + entry.path("license").path("name").asText());
                }
            }
            String group = component.path("group").asText("");
            String name = (group.isEmpty() ? "" : group + "/") + component.path("name").asText() + "@" + component.path("version").asText("");
            into.components.add(new LicensedComponent(shown, name, component.path("purl").asText(""), licenses));
            components(component.path("components"), shown, into);
        }
    }

    private static String severity(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return Thresholds.SEVERITIES.contains(lower) ? lower : "unknown";
    }

    private static String first(JsonNode fingerprints) {
        var values = fingerprints.elements();
        return values.hasNext() ? values.next().asText() : "";
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}
