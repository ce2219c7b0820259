package io.jenkins.plugins.securedelivery.gates;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Judges a release's reports against a policy: tests, coverage, vulnerabilities, licences, secrets and static analysis,
 * each explained. A rule whose report is missing fails unless the policy says the report is not required; a waiver
 * counts up to and including its expiry date.
 */
public final class QualityGate {

    private QualityGate() {}

    /**
     * @param environment the environment whose overrides apply, or null for the policy's top level
     * @param today       the day waivers are judged on
     */
    public static GateVerdict evaluate(GatePolicy policy, String environment, Reports reports, LocalDate today) {
        Thresholds thresholds = policy.thresholdsFor(environment);
        ReportContents contents = reports.contents;
        Set<Waiver> expiredUsed = new LinkedHashSet<>();
        Waivers waivers = new Waivers(policy.waivers(), today, expiredUsed);
        String where = String.join(", ", reports.directories());
        List<RuleVerdict> rules = List.of(
                tests(thresholds, contents, where),
                coverage(thresholds, contents, where),
                vulnerabilities(thresholds, contents, waivers, where),
                licenses(thresholds, contents, waivers, where),
                secrets(thresholds, contents, waivers, where),
                sast(thresholds, contents, waivers, where));
        List<Waiver> expired = policy.waivers().stream().filter(w -> !w.isActiveOn(today)).toList();
        String overrides = environment == null ? "no environment given: the policy's top level applies"
                : policy.hasOverridesFor(environment) ? "overrides for " + environment + " applied"
                : "the policy has no overrides for " + environment + ": its top level applies";
        return new GateVerdict(environment, policy.source(), overrides, today, rules, reports.read(), reports.ignored(), reports.skippedByName(),
                expired, List.copyOf(expiredUsed));
    }

    private static RuleVerdict missing(String rule, boolean required, String report, String where, String threshold) {
        if (required) {
            return new RuleVerdict(rule, RuleVerdict.Status.FAIL, "no report", threshold,
                    "no " + report + " was found in " + where + "; the rule needs one, so the gate fails closed", List.of(), List.of(), List.of());
        }
        return new RuleVerdict(rule, RuleVerdict.Status.NOT_CHECKED, "no report", threshold,
                "no " + report + " was found and the policy does not require one", List.of(), List.of(), List.of());
    }

    private static RuleVerdict tests(Thresholds t, ReportContents c, String where) {
        String threshold = "no failure or error, at least 1 test";
        if (c.junitReports.isEmpty()) {
            return missing("tests", t.testsRequired(), "JUnit XML report", where, threshold);
        }
        int failed = c.failedTests.size();
        String value = c.testCount + " tests, " + failed + " failed or in error, " + c.skippedCount + " skipped";
        if (c.testCount == 0) {
            return new RuleVerdict("tests", RuleVerdict.Status.FAIL, value, threshold,
                    "the JUnit reports hold no test at all; a build that ran no test does not pass", List.of(), List.of(), c.junitReports);
        }
        if (failed > 0) {
            return new RuleVerdict("tests", RuleVerdict.Status.FAIL, value, threshold,
                    failed + " of " + c.testCount + " tests failed or ended in error", c.failedTests, List.of(), c.junitReports);
        }
        return new RuleVerdict("tests", RuleVerdict.Status.PASS, value, threshold, "all " + (c.testCount - c.skippedCount) + " tests that ran passed",
                List.of(), List.of(), c.junitReports);
    }

    private static RuleVerdict coverage(Thresholds t, ReportContents c, String where) {
        String threshold = "at least " + percent(t.coverageMin()) + " of lines";
        if (c.coverage.isEmpty()) {
            return missing("coverage", t.coverageRequired(), "JaCoCo or Cobertura XML coverage report", where, threshold);
        }
        long covered = c.coverage.stream().mapToLong(CoverageReport::covered).sum();
        long missed = c.coverage.stream().mapToLong(CoverageReport::missed).sum();
        List<String> reports = c.coverage.stream().map(CoverageReport::report).toList();
        if (covered + missed == 0) {
            return new RuleVerdict("coverage", RuleVerdict.Status.FAIL, "no lines measured", threshold,
                    "the coverage reports measured no line, so coverage is unknown and does not pass", List.of(), List.of(), reports);
        }
        double value = 100.0 * covered / (covered + missed);
        String shown = percent(value) + " (" + covered + " of " + (covered + missed) + " lines)";
        if (value + 1e-9 >= t.coverageMin()) {
            return new RuleVerdict("coverage", RuleVerdict.Status.PASS, shown, threshold, "line coverage " + percent(value) + " meets " + percent(t.coverageMin()),
                    List.of(), List.of(), reports);
        }
        record FileInReport(CoverageReport.FileCoverage file, CoverageReport report) {}
        List<FileInReport> below = new ArrayList<>();
        for (CoverageReport report : c.coverage) {
            report.files().stream().filter(file -> file.percent() < t.coverageMin()).forEach(file -> below.add(new FileInReport(file, report)));
        }
        below.sort(Comparator.comparingDouble((FileInReport f) -> f.file().percent()).thenComparing(f -> f.file().path()));
        List<Finding> lowest = new ArrayList<>();
        for (FileInReport entry : below) {
            CoverageReport.FileCoverage file = entry.file();
            List<Integer> lines = file.uncoveredLines();
            String notCovered = lines.isEmpty() ? "" : "; not covered: line" + (lines.size() > 1 ? "s " : " ")
                    + lines.stream().limit(10).map(String::valueOf).collect(Collectors.joining(", ")) + (lines.size() > 10 ? ", ..." : "");
            lowest.add(new Finding(file.path(), "", percent(file.percent()) + " of " + (file.covered() + file.missed()) + " lines covered" + notCovered,
                    file.path(), lines.isEmpty() ? 0 : lines.get(0), "", entry.report().tool(), entry.report().report()));
        }
        return new RuleVerdict("coverage", RuleVerdict.Status.FAIL, shown, threshold,
                "line coverage " + percent(value) + " is below " + percent(t.coverageMin()) + "; the least covered files follow",
                lowest, List.of(), reports);
    }

    private static RuleVerdict vulnerabilities(Thresholds t, ReportContents c, Waivers waivers, String where) {
        String threshold = Thresholds.SEVERITIES.stream().filter(t.vulnerabilityMax()::containsKey)
                .map(s -> s + " <= " + t.vulnerabilityMax().get(s)).collect(Collectors.joining(", "));
        if (c.vulnerabilityReports.isEmpty() && c.vulnerabilities.isEmpty()) {
            return missing("vulnerabilities", t.vulnerabilitiesRequired(), "vulnerability scan (Trivy JSON or SARIF, or a CycloneDX SBOM with vulnerabilities)",
                    where, threshold);
        }
        List<RuleVerdict.WaivedFinding> waived = new ArrayList<>();
        List<Finding> counted = waivers.apply(c.vulnerabilities, waived);
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        Thresholds.SEVERITIES.forEach(s -> bySeverity.put(s, 0L));
        counted.forEach(f -> bySeverity.merge(f.severity(), 1L, Long::sum));
        String value = bySeverity.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        List<String> over = new ArrayList<>();
        for (String severity : Thresholds.SEVERITIES) {
            Integer max = t.vulnerabilityMax().get(severity);
            if (max != null && bySeverity.get(severity) > max) {
                over.add(severity + " " + bySeverity.get(severity) + " > " + max);
            }
        }
        List<String> reports = c.vulnerabilityReports.stream().distinct().toList();
        if (over.isEmpty()) {
            return new RuleVerdict("vulnerabilities", RuleVerdict.Status.PASS, value, threshold, "every severity is within its limit"
                    + (waived.isEmpty() ? "" : " (" + waived.size() + " waived)"), List.of(), waived, reports);
        }
        Set<String> failing = over.stream().map(s -> s.substring(0, s.indexOf(' '))).collect(Collectors.toSet());
        List<Finding> breaking = counted.stream().filter(f -> failing.contains(f.severity()))
                .sorted(Comparator.comparingInt(f -> Thresholds.SEVERITIES.indexOf(f.severity()))).toList();
        return new RuleVerdict("vulnerabilities", RuleVerdict.Status.FAIL, value, threshold, "over the limit: " + String.join(", ", over), breaking, waived, reports);
    }

    private static RuleVerdict licenses(Thresholds t, ReportContents c, Waivers waivers, String where) {
        String threshold = "allowed: " + String.join(", ", t.allowedLicenses()) + "; unknown licences " + (t.unknownLicenseWarns() ? "warn" : "fail");
        if (c.sbomReports.isEmpty()) {
            return missing("licenses", t.licensesRequired(), "CycloneDX JSON SBOM", where, threshold);
        }
        LicenseCheck check = new LicenseCheck(t.allowedLicenses());
        List<Finding> denied = new ArrayList<>();
        List<Finding> unknown = new ArrayList<>();
        for (LicensedComponent component : c.components) {
            LicenseCheck.Result result = check.check(component.licenses());
            String id = component.purl().isEmpty() ? component.name() : component.purl();
            String shown = component.licenses().stream().map(l -> l.startsWith("name:") ? "\"" + l.substring(5) + "\"" : l).collect(Collectors.joining(" and "));
            if (result == LicenseCheck.Result.DENIED) {
                denied.add(new Finding(id, "", shown + " is not allowed", component.name(), 0, "", "CycloneDX", component.report()));
            } else if (result == LicenseCheck.Result.UNKNOWN) {
                unknown.add(new Finding(id, "", shown.isEmpty() ? "no licence recorded" : shown + " is not an SPDX licence the gate can judge",
                        component.name(), 0, "", "CycloneDX", component.report()));
            }
        }
        List<RuleVerdict.WaivedFinding> waived = new ArrayList<>();
        List<Finding> deniedCounted = waivers.apply(denied, waived);
        List<Finding> unknownCounted = waivers.apply(unknown, waived);
        String value = c.components.size() + " components, " + deniedCounted.size() + " not allowed, " + unknownCounted.size() + " unknown";
        List<String> reports = c.sbomReports.stream().distinct().toList();
        List<Finding> all = new ArrayList<>(deniedCounted);
        all.addAll(unknownCounted);
        if (!deniedCounted.isEmpty() || (!unknownCounted.isEmpty() && !t.unknownLicenseWarns())) {
            String why = (deniedCounted.isEmpty() ? "" : plural(deniedCounted.size(), "component") + " with a licence that is not allowed")
                    + (!deniedCounted.isEmpty() && !unknownCounted.isEmpty() ? " and " : "")
                    + (unknownCounted.isEmpty() ? "" : plural(unknownCounted.size(), "component") + " without a licence the gate can judge"
                    + (t.unknownLicenseWarns() ? " (a warning)" : " (the policy fails unknown licences; set licenses.unknown: warn to only warn)"));
            return new RuleVerdict("licenses", RuleVerdict.Status.FAIL, value, threshold, why, all, waived, reports);
        }
        if (!unknownCounted.isEmpty()) {
            return new RuleVerdict("licenses", RuleVerdict.Status.WARN, value, threshold,
                    plural(unknownCounted.size(), "component") + " without a licence the gate can judge; the policy only warns", unknownCounted, waived, reports);
        }
        return new RuleVerdict("licenses", RuleVerdict.Status.PASS, value, threshold, "every component's licence is allowed", List.of(), waived, reports);
    }

    private static RuleVerdict secrets(Thresholds t, ReportContents c, Waivers waivers, String where) {
        String threshold = "no secret";
        if (c.secretReports.isEmpty() && c.secrets.isEmpty()) {
            return missing("secrets", t.secretsRequired(), "secret scan (gitleaks JSON or SARIF)", where, threshold);
        }
        List<RuleVerdict.WaivedFinding> waived = new ArrayList<>();
        List<Finding> counted = waivers.apply(c.secrets, waived);
        List<String> reports = c.secretReports.stream().distinct().toList();
        if (counted.isEmpty()) {
            return new RuleVerdict("secrets", RuleVerdict.Status.PASS, "0 secrets" + (waived.isEmpty() ? "" : ", " + waived.size() + " waived"), threshold,
                    "no secret was found", List.of(), waived, reports);
        }
        return new RuleVerdict("secrets", RuleVerdict.Status.FAIL, plural(counted.size(), "secret"), threshold,
                "any secret fails the gate: remove it from the code and its history, and revoke it", counted, waived, reports);
    }

    private static RuleVerdict sast(Thresholds t, ReportContents c, Waivers waivers, String where) {
        String threshold = "no result of level " + String.join(" or ", Thresholds.SARIF_LEVELS.subList(0, Thresholds.SARIF_LEVELS.indexOf(t.sastFailOn()) + 1));
        if (c.sastReports.isEmpty() && c.sastResults.isEmpty()) {
            return missing("sast", t.sastRequired(), "static analysis SARIF report (Semgrep, CodeQL, tfsec, kube-linter...)", where, threshold);
        }
        List<RuleVerdict.WaivedFinding> waived = new ArrayList<>();
        List<Finding> counted = waivers.apply(c.sastResults, waived);
        Map<String, Long> byLevel = new LinkedHashMap<>();
        counted.forEach(f -> byLevel.merge(f.severity(), 1L, Long::sum));
        String value = plural(counted.size(), "result") + (byLevel.isEmpty() ? "" : " (" + byLevel.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")) + ")");
        List<Finding> failing = counted.stream().filter(f -> t.sastFails(f.severity())).toList();
        List<String> reports = c.sastReports.stream().distinct().toList();
        if (failing.isEmpty()) {
            return new RuleVerdict("sast", RuleVerdict.Status.PASS, value, threshold, "no result at or above level " + t.sastFailOn(), List.of(), waived, reports);
        }
        return new RuleVerdict("sast", RuleVerdict.Status.FAIL, value, threshold,
                plural(failing.size(), "result") + " at or above level " + t.sastFailOn(), failing, waived, reports);
    }

    private static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    static String percent(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + "%";
    }

    /** Applies the waivers in force; remembers expired waivers that would have matched, so the verdict can say so. */
    private record Waivers(List<Waiver> all, LocalDate today, Set<Waiver> expiredUsed) {
        List<Finding> apply(List<Finding> findings, List<RuleVerdict.WaivedFinding> waived) {
            List<Finding> counted = new ArrayList<>();
            for (Finding finding : findings) {
                Waiver active = null;
                for (Waiver waiver : all) {
                    if (waiver.covers(finding)) {
                        if (waiver.isActiveOn(today)) {
                            active = waiver;
                            break;
                        }
                        expiredUsed.add(waiver);
                    }
                }
                if (active != null) {
                    waived.add(new RuleVerdict.WaivedFinding(finding, active));
                } else {
                    counted.add(finding);
                }
            }
            return counted;
        }
    }
}
