package io.jenkins.plugins.securedelivery.sbom.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.sbom.DirectoryTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpkgScannerTest {

    private static final String TAR = "pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12";
    private static final String LIBC6 = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12&upstream=glibc";

    @TempDir
    Path root;

    private final DpkgScanner scanner = new DpkgScanner();

    /** A Debian 12 root as dpkg leaves it, from real files of a Debian 12 machine. */
    private void debianRoot() throws IOException {
        copy("debian12/status", "var/lib/dpkg/status");
        copy("debian12/os-release", "usr/lib/os-release");
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("../usr/lib/os-release"));
        for (String p : List.of("zlib1g", "liblzma5", "libzstd1", "tar", "dpkg", "libacl1", "libc6", "gcc-12-base",
                "libselinux1")) {
            copy("debian12/doc/" + p + "/copyright", "usr/share/doc/" + p + "/copyright");
        }
        // as on Debian: a library's documentation directory links to its source package's
        Files.createSymbolicLink(root.resolve("usr/share/doc/libgcc-s1"), Path.of("gcc-12-base"));
    }

    private void copy(String resource, String to) throws IOException {
        Path target = root.resolve(to);
        Files.createDirectories(target.getParent());
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }

    private Inventory scan(String path) throws IOException {
        DirectoryTree tree = new DirectoryTree(root);
        assertThat(scanner.reads(tree, path)).isTrue();
        return scanner.scan(tree, path, new ScanContext(false, ScanContext.MavenSettings.defaults()));
    }

    private static Map<String, FoundPackage> byName(Inventory inventory) {
        return inventory.packages().stream().collect(Collectors.toMap(p -> p.purl().getName(), p -> p));
    }

    @Test
    void inventoriesEveryInstalledPackageWithDistroQualifiedPurls() throws IOException {
        debianRoot();

        Inventory inventory = scan("var/lib/dpkg/status");

        assertThat(inventory.ecosystem()).isEqualTo("deb");
        assertThat(inventory.packages()).hasSize(15);
        Map<String, FoundPackage> packages = byName(inventory);
        assertThat(packages.get("tar").ref()).isEqualTo(TAR);
        assertThat(packages.get("libc6").ref()).isEqualTo(LIBC6);
        assertThat(packages.get("libbz2-1.0").purl().getQualifiers()).containsEntry("upstream", "bzip2@1.0.8-5");
        assertThat(packages.get("libattr1").purl().getVersion()).isEqualTo("1:2.5.1-4");
        assertThat(inventory.direct()).hasSize(15);
        assertThat(packages.get("tar").foundIn()).isEqualTo("var/lib/dpkg/status");
    }

    @Test
    void linksPackagesThroughDependsAndPreDepends() throws IOException {
        debianRoot();

        Inventory inventory = scan("var/lib/dpkg/status");

        Map<String, FoundPackage> packages = byName(inventory);
        assertThat(inventory.dependencies().get(TAR)).containsExactlyInAnyOrder(
                packages.get("libacl1").ref(), LIBC6, packages.get("libselinux1").ref());
        assertThat(inventory.dependencies().get(packages.get("dpkg").ref())).contains(TAR, LIBC6,
                packages.get("zlib1g").ref(), packages.get("libzstd1").ref(), packages.get("libmd0").ref());
        assertThat(inventory.dependencies().get(LIBC6)).containsExactly(packages.get("libgcc-s1").ref());
        assertThat(inventory.dependencies()).doesNotContainKey(packages.get("gcc-12-base").ref());
    }

    @Test
    void readsLicencesFromMachineReadableCopyrightFilesOnly() throws IOException {
        debianRoot();

        Map<String, FoundPackage> packages = byName(scan("var/lib/dpkg/status"));

        assertThat(packages.get("zlib1g").licenses()).contains("Zlib");
        assertThat(packages.get("tar").licenses()).containsExactly("GPL-3+", "GPL-3+ with Bison exception",
                "LGPL-3+", "GPL-2+");
        assertThat(packages.get("libc6").licenses()).as("prose copyright file").isEmpty();
        assertThat(packages.get("debianutils").licenses()).as("no copyright file in the tree").isEmpty();
    }

    @Test
    void readsDistrolessPerPackageFilesWithVirtualPackagesAndAlternatives() throws IOException {
        debianRoot();
        Files.delete(root.resolve("var/lib/dpkg/status"));
        String status = new String(getClass().getResourceAsStream("debian12/status").readAllBytes());
        Path statusD = Files.createDirectories(root.resolve("var/lib/dpkg/status.d"));
        for (String stanza : status.split("\n\n")) {
            String name = stanza.lines().findFirst().orElseThrow().substring("Package: ".length());
            // distroless writes each package's control file without its Status line
            Files.writeString(statusD.resolve(name), stanza.replace("Status: install ok installed\n", "") + "\n");
            Files.writeString(statusD.resolve(name + ".md5sums"), "d41d8cd98f00b204e9800998ecf8427e  usr/bin/x\n");
        }
        Files.writeString(statusD.resolve("app"), """
                Package: app
                Version: 1.0
                Architecture: all
                Depends: libgcc1, mail-transport-agent | zlib1g (>= 1:1.2), default-mta | postfix
                """);

        DirectoryTree tree = new DirectoryTree(root);
        List<String> read = tree.files().stream().filter(p -> scanner.reads(tree, p)).toList();
        assertThat(read).containsExactly("var/lib/dpkg/status.d/app");
        Inventory inventory = scan("var/lib/dpkg/status.d/app");

        Map<String, FoundPackage> packages = byName(inventory);
        assertThat(packages).hasSize(16);
        assertThat(packages.get("app").ref()).isEqualTo("pkg:deb/debian/app@1.0?arch=all&distro=debian-12");
        assertThat(packages.get("tar").foundIn()).isEqualTo("var/lib/dpkg/status.d/tar");
        assertThat(inventory.dependencies().get(packages.get("app").ref()))
                .as("libgcc1 is provided by libgcc-s1; zlib1g is the installed alternative; no MTA is installed")
                .containsExactlyInAnyOrder(packages.get("libgcc-s1").ref(), packages.get("zlib1g").ref());
    }

    @Test
    void skipsPackagesThatAreNotInstalled() throws IOException {
        debianRoot();
        Files.writeString(root.resolve("var/lib/dpkg/status"), """

                Package: removed-tool
                Status: deinstall ok config-files
                Architecture: amd64
                Version: 2.0
                """, java.nio.file.StandardOpenOption.APPEND);

        assertThat(byName(scan("var/lib/dpkg/status"))).hasSize(15).doesNotContainKey("removed-tool");
    }

    @Test
    void namesUbuntuPackagesInTheUbuntuNamespace() throws IOException {
        debianRoot();
        Files.delete(root.resolve("etc/os-release"));
        Files.writeString(root.resolve("etc/os-release"), "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\n"
                + "VERSION_ID=\"24.04\"\n");

        Map<String, FoundPackage> packages = byName(scan("var/lib/dpkg/status"));

        assertThat(packages.get("tar").ref())
                .isEqualTo("pkg:deb/ubuntu/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=ubuntu-24.04");
    }

    @Test
    void reportsAMalformedLineWithItsFileAndLine() throws IOException {
        debianRoot();
        Files.writeString(root.resolve("var/lib/dpkg/status"), "Package: a\nVersion: 1\nStatus: install ok installed\n"
                + "this line has no colon\n");

        assertThatThrownBy(() -> scan("var/lib/dpkg/status"))
                .isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith("var/lib/dpkg/status:4: ")
                .hasMessageContaining("dpkg --audit");
    }

    @Test
    void recordsAGapForAnInstalledPackageWithoutVersionWhenIncompleteIsAllowed() throws IOException {
        debianRoot();
        Files.writeString(root.resolve("var/lib/dpkg/status"), "Package: a\nStatus: install ok installed\n\n"
                + "Package: b\nVersion: 2\nStatus: install ok installed\n");
        ScanContext lenient = new ScanContext(true, ScanContext.MavenSettings.defaults());

        Inventory inventory = scanner.scan(new DirectoryTree(root), "var/lib/dpkg/status", lenient);

        assertThat(inventory.packages()).extracting(p -> p.purl().getName()).containsExactly("b");
        assertThat(lenient.gaps()).containsExactly(new ScanContext.Gap("var/lib/dpkg/status",
                "an installed package has no Package or Version field"));
    }
}
