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
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApkScannerTest {

    @TempDir
    Path root;

    private final ApkScanner scanner = new ApkScanner();

    private void alpineRoot() throws IOException {
        copy("alpine320/installed", "lib/apk/db/installed");
        copy("alpine320/os-release", "etc/os-release");
    }

    private void copy(String resource, String to) throws IOException {
        Path target = root.resolve(to);
        Files.createDirectories(target.getParent());
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }

    private Inventory scan() throws IOException {
        DirectoryTree tree = new DirectoryTree(root);
        assertThat(tree.files().stream().filter(p -> scanner.reads(tree, p))).containsExactly("lib/apk/db/installed");
        return scanner.scan(tree, "lib/apk/db/installed", new ScanContext(false, ScanContext.MavenSettings.defaults()));
    }

    private static Map<String, FoundPackage> byName(Inventory inventory) {
        return inventory.packages().stream().collect(Collectors.toMap(p -> p.purl().getName(), p -> p));
    }

    @Test
    void inventoriesInstalledPackagesWithArchDistroAndLicence() throws IOException {
        alpineRoot();

        Inventory inventory = scan();

        Map<String, FoundPackage> packages = byName(inventory);
        assertThat(packages).containsOnlyKeys("musl", "busybox", "zlib", "libcrypto3", "libssl3", "ssl_client",
                "apk-tools");
        assertThat(packages.get("busybox").ref())
                .isEqualTo("pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3");
        assertThat(packages.get("ssl_client").ref())
                .isEqualTo("pkg:apk/alpine/ssl_client@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox");
        assertThat(packages.get("libcrypto3").licenses()).containsExactly("Apache-2.0");
        assertThat(packages.get("busybox").licenses()).containsExactly("GPL-2.0-only");
        assertThat(inventory.direct()).hasSize(7);
    }

    @Test
    void resolvesSharedLibraryAndNamedDependenciesToTheirProviders() throws IOException {
        alpineRoot();

        Inventory inventory = scan();

        Map<String, FoundPackage> packages = byName(inventory);
        assertThat(inventory.dependencies().get(packages.get("apk-tools").ref()))
                .as("musl>=..., so:libcrypto.so.3, so:libssl.so.3, so:libz.so.1; the !conflict and the "
                        + "uninstalled ca-certificates-bundle are no edges")
                .containsExactlyInAnyOrder(packages.get("musl").ref(), packages.get("libcrypto3").ref(),
                        packages.get("libssl3").ref(), packages.get("zlib").ref());
        assertThat(inventory.dependencies().get(packages.get("busybox").ref()))
                .containsExactly(packages.get("musl").ref());
        assertThat(inventory.dependencies()).doesNotContainKey(packages.get("musl").ref());
    }

    @Test
    void reportsAMalformedLineWithItsFileAndLine() throws IOException {
        alpineRoot();
        Files.writeString(root.resolve("lib/apk/db/installed"), "P:musl\nV:1.2.5-r0\nthis is not a field\n");

        assertThatThrownBy(this::scan)
                .isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith("lib/apk/db/installed:3: ");
    }

    @Test
    void withoutOsReleaseNamesPackagesAlpineWithoutDistro() throws IOException {
        alpineRoot();
        Files.delete(root.resolve("etc/os-release"));

        assertThat(byName(scan()).get("zlib").ref()).isEqualTo("pkg:apk/alpine/zlib@1.3.1-r1?arch=x86_64");
    }
}
