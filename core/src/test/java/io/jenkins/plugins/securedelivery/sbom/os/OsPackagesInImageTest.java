package io.jenkins.plugins.securedelivery.sbom.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import io.jenkins.plugins.securedelivery.sbom.image.ContainerImage;
import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture;
import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture.Layer;
import io.jenkins.plugins.securedelivery.sbom.jar.JarScanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OS scanners over the merged file system of an image, holding only what they read. */
class OsPackagesInImageTest {

    @TempDir
    Path temp;

    private final List<Scanner> scanners = List.of(new DpkgScanner(), new ApkScanner(), new JarScanner());

    private byte[] resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void scansTheDpkgDatabaseOfTheTopLayerWithCopyrightsOfLowerLayers() throws IOException {
        String status = new String(resource("debian12/status"));
        String withoutDebianutils = java.util.Arrays.stream(status.split("\n\n"))
                .filter(stanza -> !stanza.startsWith("Package: debianutils\n"))
                .collect(Collectors.joining("\n\n")) + "\n";
        Layer base = new Layer()
                .file("usr/lib/os-release", resource("debian12/os-release"))
                .symlink("etc/os-release", "../usr/lib/os-release")
                .file("var/lib/dpkg/status", status)
                .symlink("usr/share/doc/libgcc-s1", "gcc-12-base")
                .file("usr/bin/tar", new byte[4096]);
        for (String p : List.of("zlib1g", "tar", "libc6", "gcc-12-base")) {
            base.file("usr/share/doc/" + p + "/copyright", resource("debian12/doc/" + p + "/copyright"));
        }
        Layer slimmed = new Layer()
                .file("var/lib/dpkg/status", withoutDebianutils)
                .file("usr/share/doc/zlib1g/.wh.copyright", "");
        Path oci = ImageFixture.layout(new ImageFixture.Image().layer(base).layer(slimmed), null)
                .writeDirectory(temp.resolve("oci"));

        try (ContainerImage image = ContainerImage.open(oci, ContainerImage.Limits.defaults(), null,
                ContainerImage.heldFor(scanners))) {
            FileTree tree = image.files();
            List<String> scanned = tree.files().stream()
                    .filter(path -> scanners.stream().anyMatch(s -> s.reads(tree, path))).toList();
            assertThat(scanned).containsExactly("var/lib/dpkg/status");

            Inventory inventory = new DpkgScanner().scan(tree, "var/lib/dpkg/status",
                    new ScanContext(false, ScanContext.MavenSettings.defaults()));

            Map<String, FoundPackage> packages = inventory.packages().stream()
                    .collect(Collectors.toMap(p -> p.purl().getName(), p -> p));
            assertThat(packages).hasSize(14).doesNotContainKey("debianutils");
            assertThat(packages.get("tar").purl().getQualifiers()).containsEntry("distro", "debian-12");
            assertThat(packages.get("tar").licenses()).contains("GPL-3+");
            assertThat(packages.get("zlib1g").licenses()).as("its copyright file was deleted").isEmpty();
            assertThat(tree.files()).doesNotContain("usr/share/doc/zlib1g/copyright");
        }
    }
}
