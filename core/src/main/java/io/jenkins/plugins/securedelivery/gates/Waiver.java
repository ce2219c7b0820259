package io.jenkins.plugins.securedelivery.gates;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.LocalDate;

/**
 * An accepted exception to a rule: the finding it covers (a CVE or rule id, a package URL, or a fingerprint, and
 * optionally a path glob), why, who owns the decision, and the last day it counts. From the day after {@code expires}
 * the finding counts again and the verdict says the waiver expired.
 *
 * @param path a glob over the finding's location ({@code src/legacy/**}), or null for any location
 */
public record Waiver(String id, String path, String reason, String owner, LocalDate expires) {

    boolean isActiveOn(LocalDate today) {
        return !today.isAfter(expires);
    }

    boolean covers(Finding finding) {
        boolean sameFinding = id.equals(finding.id()) || id.equals(finding.fingerprint());
        if (!sameFinding) {
            return false;
        }
        if (path == null) {
            return true;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + path);
        try {
            return !finding.location().isEmpty() && matcher.matches(Path.of(finding.location()));
        } catch (InvalidPathException notAPath) {
            return false;
        }
    }

    /** {@code CVE-2019-14697 (owner alice, until 2026-12-31: reason)}. */
    String describe() {
        return id + (path != null ? " in " + path : "") + " (owner " + owner + ", until " + expires + ": " + reason + ")";
    }
}
