package io.jenkins.plugins.securedelivery.gates;

import java.util.List;

/**
 * One rule's part of a verdict: what was measured, against which threshold, why it passed or failed in plain words,
 * the findings that broke it (with file and line), the findings a waiver covered, and the reports it read.
 */
public record RuleVerdict(String rule, Status status, String value, String threshold, String explanation,
                          List<Finding> findings, List<WaivedFinding> waived, List<String> reports) {

    /** How a rule ended. A missing report that the rule needs is {@link #FAIL}; {@link #NOT_CHECKED} only when not required. */
    public enum Status { PASS, FAIL, WARN, NOT_CHECKED }

    /** A finding that did not count because a waiver in force covered it. */
    public record WaivedFinding(Finding finding, Waiver waiver) {}

    public RuleVerdict {
        findings = List.copyOf(findings);
        waived = List.copyOf(waived);
        reports = List.copyOf(reports);
    }
}
