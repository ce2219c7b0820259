package io.jenkins.plugins.securedelivery.sbom;

import io.jenkins.plugins.securedelivery.sbom.golang.GoModScanner;
import io.jenkins.plugins.securedelivery.sbom.jar.JarScanner;
import io.jenkins.plugins.securedelivery.sbom.maven.MavenScanner;
import io.jenkins.plugins.securedelivery.sbom.npm.PackageLockScanner;
import io.jenkins.plugins.securedelivery.sbom.npm.PnpmLockScanner;
import io.jenkins.plugins.securedelivery.sbom.npm.YarnLockScanner;
import io.jenkins.plugins.securedelivery.sbom.os.ApkScanner;
import io.jenkins.plugins.securedelivery.sbom.os.DpkgScanner;
import io.jenkins.plugins.securedelivery.sbom.python.InstalledPythonScanner;
import io.jenkins.plugins.securedelivery.sbom.python.PipfileLockScanner;
import io.jenkins.plugins.securedelivery.sbom.python.PoetryLockScanner;
import io.jenkins.plugins.securedelivery.sbom.python.RequirementsScanner;
import java.util.List;

/** Every scanner the generator runs, in the order their findings are merged. */
final class Scanners {

    private Scanners() {}

    static List<Scanner> all() {
        return List.of(
                new MavenScanner(),
                new PackageLockScanner(),
                new YarnLockScanner(),
                new PnpmLockScanner(),
                new GoModScanner(),
                new RequirementsScanner(),
                new PoetryLockScanner(),
                new PipfileLockScanner(),
                new InstalledPythonScanner(),
                new DpkgScanner(),
                new ApkScanner(),
                new JarScanner()
        );
    }
}
