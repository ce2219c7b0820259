package io.jenkins.plugins.securedelivery.gates;

import java.util.Locale;

/**
 * One thing a report found: a failed test, an uncovered file, a vulnerability, a licence, a secret, a static-analysis
 * result. It carries where it was found and never the secret itself (no match, snippet or secret value is read).
 *
 * @param id          what waivers match: a test name, a CVE or rule id, a package URL
 * @param severity    {@code critical|high|medium|low|unknown} for vulnerabilities, the SARIF level for SAST results,
 *                    otherwise empty
 * @param title       one line in plain words
 * @param location    the source file, package or image the finding is about, or empty
 * @param line        1-based line in {@code location}, or 0 when not known
 * @param fingerprint the tool's stable identity of the finding, or empty; waivers match it too
 * @param tool        the tool that produced the report
 * @param report      the report file it was read from
 */
public record Finding(String id, String severity, String title, String location, int line, String fingerprint, String tool, String report) {

    public Finding {
        severity = severity == null ? "" : severity.toLowerCase(Locale.ROOT);
        location = location == null ? "" : location;
        fingerprint = fingerprint == null ? "" : fingerprint;
        title = title == null ? "" : title;
    }

    /** {@code location:line} or {@code location}, or the report when the finding has no location. */
    public String where() {
        if (location.isEmpty()) {
            return report;
        }
        return line > 0 ? location + ":" + line : location;
    }
}
