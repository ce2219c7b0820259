package io.jenkins.plugins.securedelivery.sbom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a scan may consult and how strict it is. Fail closed: unless {@link #allowIncomplete()}, a gap is an error.
 */
public final class ScanContext {

    /** A part of the subject that could not be inventoried, and why. */
    public record Gap(String file, String reason) {}

    private final boolean allowIncomplete;
    private final MavenSettings maven;
    private final List<Gap> gaps = new ArrayList<>();

    public ScanContext(boolean allowIncomplete, MavenSettings maven) {
        this.allowIncomplete = allowIncomplete;
        this.maven = maven;
    }

    public boolean allowIncomplete() {
        return allowIncomplete;
    }

    public MavenSettings maven() {
        return maven;
    }

    /**
     * Records that {@code file} could not be inventoried fully. Throws {@link SbomInputException} unless the SBOM may
     * be incomplete, in which case the gap is listed in the SBOM's compositions.
     */
    public synchronized void gap(String file, int line, String reason, String fix) {
        if (!allowIncomplete) {
            throw new SbomInputException(file, line, reason, fix);
        }
        gaps.add(new Gap(file, reason));
    }

    public synchronized List<Gap> gaps() {
        return List.copyOf(gaps);
    }

    /**
     * Where Maven dependencies are resolved from.
     *
     * @param settingsFile    the user's settings.xml (mirrors, proxies, servers' credentials); null for
     *                        {@code ~/.m2/settings.xml} when it exists
     * @param localRepository the local repository; null for the one the settings name, else {@code ~/.m2/repository}
     * @param offline         resolve from the local repository only
     */
    public record MavenSettings(Path settingsFile, Path localRepository, boolean offline) {
        public static MavenSettings defaults() {
            return new MavenSettings(null, null, false);
        }
    }
}
