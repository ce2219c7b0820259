package io.jenkins.plugins.securedelivery.sbom;

import java.util.List;

/** Every scanner the generator runs, in the order their findings are merged. */
final class Scanners {

    private Scanners() {}

    static List<Scanner> all() {
        return List.of(
                new io.jenkins.plugins.securedelivery.sbom.os.DpkgScanner(),
                new io.jenkins.plugins.securedelivery.sbom.os.ApkScanner(),
                new io.jenkins.plugins.securedelivery.sbom.jar.JarScanner()
        );
    }
}
