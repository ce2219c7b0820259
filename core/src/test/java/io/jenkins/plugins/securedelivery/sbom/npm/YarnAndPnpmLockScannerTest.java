package io.jenkins.plugins.securedelivery.sbom.npm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.sbom.DirectoryTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.cyclonedx.model.Component;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same project (express, @types/node, an alias of lodash, a dev dependency) locked by yarn 1, yarn 4 and pnpm 8 and 9. */
class YarnAndPnpmLockScannerTest {

    private static final Path FIXTURES = Path.of("src/test/resources/sbom/npm");

    private static ScanContext strict() {
        return new ScanContext(false, ScanContext.MavenSettings.defaults());
    }

    private static Scanner scannerFor(String file) {
        return file.equals("yarn.lock") ? new YarnLockScanner() : new PnpmLockScanner();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"yarn1, yarn.lock", "berry, yarn.lock", "pnpm6, pnpm-lock.yaml", "pnpm9, pnpm-lock.yaml"})
    void readsTheSameProjectFromEveryLockFormat(String project, String file) throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve(project));
        Scanner scanner = scannerFor(file);
        assertThat(scanner.reads(tree, file)).isTrue();

        Inventory inventory = scanner.scan(tree, file, strict());

        Map<String, FoundPackage> packages = inventory.packages().stream().collect(Collectors.toMap(FoundPackage::ref, p -> p));
        assertThat(packages).hasSize(76);
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:npm/express@4.21.2", "pkg:npm/%40types/node@20.11.0",
                "pkg:npm/lodash@4.17.21", "pkg:npm/kind-of@6.0.3");
        assertThat(packages.get("pkg:npm/kind-of@6.0.3").scope()).isEqualTo(Component.Scope.OPTIONAL);
        assertThat(packages.get("pkg:npm/express@4.21.2").scope()).isEqualTo(Component.Scope.REQUIRED);
        assertThat(inventory.dependencies().get("pkg:npm/express@4.21.2")).hasSize(31).contains("pkg:npm/debug@2.6.9");
        assertThat(inventory.dependencies().get("pkg:npm/debug@2.6.9")).containsExactly("pkg:npm/ms@2.0.0");
        assertThat(inventory.dependencies().get("pkg:npm/send@0.19.0")).contains("pkg:npm/ms@2.1.3", "pkg:npm/debug@2.6.9");
        if (!project.equals("berry")) { // berry's checksum is of yarn's zip archive, not of the package
            assertThat(packages.get("pkg:npm/kind-of@6.0.3").hashes()).containsEntry("SHA-512",
                    "75c4b5ba5fbdb66783f794fec76f3f7a12e077d98435adcbb2f0d3b739b7bf20443bb44fa6dbc00feb78e165576948d305172ba45785942f160abb94478e7a87");
        }
    }

    @Test
    void reportsTheLineOfAMalformedYarnLock(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("yarn.lock"), "# yarn lockfile v1\n\n\nms@2.0.0:\n  version \"2.0.0\"\nthis is not an entry\n");

        assertThatThrownBy(() -> new YarnLockScanner().scan(new DirectoryTree(dir), "yarn.lock", strict()))
                .isInstanceOfSatisfying(SbomInputException.class, e -> assertThat(e.line()).isEqualTo(6))
                .hasMessageContaining("expected a package entry");
    }

    @Test
    void reportsTheLineOfMalformedYaml(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("pnpm-lock.yaml"), "lockfileVersion: '9.0'\n\npackages:\n  ms@2.0.0:\n    resolution: {integrity: [}\n");

        assertThatThrownBy(() -> new PnpmLockScanner().scan(new DirectoryTree(dir), "pnpm-lock.yaml", strict()))
                .isInstanceOfSatisfying(SbomInputException.class, e -> assertThat(e.line()).isEqualTo(5))
                .hasMessageContaining("the file is malformed");
    }

    @Test
    void refusesAnUnknownPnpmLockfileVersion(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("pnpm-lock.yaml"), "lockfileVersion: 5.4\n\npackages:\n  /ms/2.0.0:\n    dev: false\n");

        assertThatThrownBy(() -> new PnpmLockScanner().scan(new DirectoryTree(dir), "pnpm-lock.yaml", strict()))
                .hasMessageContaining("lockfileVersion '5.4' is an unknown format")
                .hasMessageContaining("pnpm install --lockfile-only");
    }
}
