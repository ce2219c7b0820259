package io.jenkins.plugins.securedelivery.gates;

import java.util.ArrayList;
import java.util.List;

/** What the parsers gather while the directories are scanned; {@link Reports} keeps it read-only afterwards. */
final class ReportContents {
    final List<String> junitReports = new ArrayList<>();
    int testCount;
    int skippedCount;
    final List<Finding> failedTests = new ArrayList<>();
    final List<CoverageReport> coverage = new ArrayList<>();
    final List<String> vulnerabilityReports = new ArrayList<>();
    final List<Finding> vulnerabilities = new ArrayList<>();
    final List<String> sbomReports = new ArrayList<>();
    final List<LicensedComponent> components = new ArrayList<>();
    final List<String> secretReports = new ArrayList<>();
    final List<Finding> secrets = new ArrayList<>();
    final List<String> sastReports = new ArrayList<>();
    final List<Finding> sastResults = new ArrayList<>();
}
