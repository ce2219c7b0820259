package io.jenkins.plugins.securedelivery.gates;

import java.util.List;

/** Line coverage of one JaCoCo or Cobertura report: the totals and each source file's share. */
record CoverageReport(String report, String tool, long covered, long missed, List<FileCoverage> files) {

    CoverageReport {
        files = List.copyOf(files);
    }

    record FileCoverage(String path, long covered, long missed, List<Integer> uncoveredLines) {
        FileCoverage {
            uncoveredLines = List.copyOf(uncoveredLines);
        }

        double percent() {
            return covered + missed == 0 ? 100 : 100.0 * covered / (covered + missed);
        }
    }
}
