package io.jenkins.plugins.securedelivery.evidence;

import java.util.List;

/**
 * What verifying an evidence bundle checked, one line each, and the verdict: it passes only when every check passed,
 * and there is at least one. Nothing found is a failure, never a pass.
 *
 * @param bundle   the bundle as the user named it
 * @param manifest the signed manifest, or the unsigned one when the signature failed, or null when none could be read
 * @param checks   in the order made
 */
public record EvidenceReport(String bundle, EvidenceManifest manifest, List<Check> checks) {

    /**
     * One check.
     *
     * @param subject what was checked: "zip", "entries", "signature", "manifest", "file NAME", "image"
     * @param passed  whether it held
     * @param detail  what was found, or what differed
     */
    public record Check(String subject, boolean passed, String detail) {
        @Override
        public String toString() {
            return (passed ? "ok     " : "FAILED ") + subject + ": " + detail;
        }
    }

    public EvidenceReport {
        checks = List.copyOf(checks);
    }

    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    /** The checks that failed. */
    public List<Check> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** The report as lines for a terminal or a build log. */
    public String summary() {
        StringBuilder out = new StringBuilder((passed() ? "PASSED" : "FAILED") + " verification of evidence bundle " + bundle);
        if (manifest != null) {
            out.append(" for ").append(manifest.imageName()).append('@').append(manifest.imageDigest());
        }
        out.append('\n');
        checks.forEach(c -> out.append("  ").append(c).append('\n'));
        return out.toString();
    }
}
