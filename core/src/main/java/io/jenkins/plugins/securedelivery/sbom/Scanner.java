package io.jenkins.plugins.securedelivery.sbom;

import java.io.IOException;

/**
 * Reads one kind of file (a lock file, a manifest, a package database) into an {@link Inventory}. One instance may
 * scan many trees; what a scanner caches, it caches per tree (the Maven scanner reuses one resolver session for all
 * the modules of a tree).
 */
public interface Scanner {

    /** Whether this scanner reads the file at {@code path} of {@code tree}. */
    boolean reads(FileTree tree, String path);

    /**
     * Whether this scanner may open {@code path} while scanning another file (a lock file's manifest, go.sum, the
     * packages' copyright files). Images hold in memory only the files scanners read or consult.
     */
    default boolean consults(String path) {
        return false;
    }

    /**
     * Scans one file. A file that cannot be read fully throws {@link SbomInputException} naming it, unless the
     * context allows an incomplete SBOM: then the scanner reports what it could not read through
     * {@link ScanContext#gap} and returns what it could.
     */
    Inventory scan(FileTree tree, String path, ScanContext context) throws IOException;
}
