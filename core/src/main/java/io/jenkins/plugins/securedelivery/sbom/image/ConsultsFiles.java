package io.jenkins.plugins.securedelivery.sbom.image;

/**
 * A scanner that opens other files of the tree besides the one it scans (a package database reads the packages'
 * copyright files and {@code etc/os-release}). An image holds those files in memory too.
 */
public interface ConsultsFiles {

    /** Whether this scanner may open {@code path} while scanning another file. */
    boolean consults(String path);
}
