package io.jenkins.plugins.securedelivery.sbom.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.sbom.DirectoryTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.cyclonedx.model.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonScannersTest {

    private static final Path FIXTURES = Path.of("src/test/resources/sbom/python");

    private static ScanContext strict() {
        return new ScanContext(false, ScanContext.MavenSettings.defaults());
    }

    private static Map<String, FoundPackage> byRef(Inventory inventory) {
        return inventory.packages().stream().collect(Collectors.toMap(FoundPackage::ref, p -> p));
    }

    @Test
    void readsPinnedRequirementsWithHashesMarkersAndIncludes() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("pip"));
        RequirementsScanner scanner = new RequirementsScanner();
        assertThat(tree.files()).filteredOn(path -> scanner.reads(tree, path))
                .containsExactly("requirements-dev.txt", "requirements.txt", "requirements/test.txt");

        Inventory compiled = scanner.scan(tree, "requirements.txt", strict());
        Map<String, FoundPackage> packages = byRef(compiled);
        assertThat(packages).containsOnlyKeys("pkg:pypi/certifi@2020.4.5.1", "pkg:pypi/chardet@3.0.4", "pkg:pypi/idna@2.9",
                "pkg:pypi/requests@2.23.0", "pkg:pypi/urllib3@1.24.2", "pkg:pypi/importlib-metadata@1.6.0");
        // one --hash names the file; several (a wheel and the sdist) name no single file
        assertThat(packages.get("pkg:pypi/certifi@2020.4.5.1").hashes())
                .containsExactly(Map.entry("SHA-256", "1d987a998c75633c40847cc966fcf5904906c920a7f17ef374f5aa4282abd304"));
        assertThat(packages.get("pkg:pypi/requests@2.23.0").hashes()).isEmpty();
        // pip-compile's "# via" annotations: requests is the project's (-r requirements.in), the others are its own
        assertThat(compiled.direct()).containsExactlyInAnyOrder("pkg:pypi/requests@2.23.0", "pkg:pypi/importlib-metadata@1.6.0");
        assertThat(compiled.dependencies()).containsOnlyKeys("pkg:pypi/requests@2.23.0");
        assertThat(compiled.dependencies().get("pkg:pypi/requests@2.23.0")).containsExactlyInAnyOrder(
                "pkg:pypi/certifi@2020.4.5.1", "pkg:pypi/chardet@3.0.4", "pkg:pypi/idna@2.9", "pkg:pypi/urllib3@1.24.2");

        Inventory dev = scanner.scan(tree, "requirements-dev.txt", strict());
        assertThat(byRef(dev)).hasSize(9).containsKeys("pkg:pypi/zope-interface@5.1.0", "pkg:pypi/pytest-cov@2.6.0",
                "pkg:pypi/requests@2.23.0");
        assertThat(dev.direct()).contains("pkg:pypi/zope-interface@5.1.0", "pkg:pypi/pytest@3.8.0", "pkg:pypi/requests@2.23.0")
                .doesNotContain("pkg:pypi/idna@2.9");
    }

    @Test
    void anUnpinnedRequirementIsAGapNamingFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("requirements.txt"), "# tools\nflask==3.1.3\nrequests>=2.31\n-e ./lib\n");
        DirectoryTree tree = new DirectoryTree(dir);

        assertThatThrownBy(() -> new RequirementsScanner().scan(tree, "requirements.txt", strict()))
                .isInstanceOfSatisfying(SbomInputException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageStartingWith("requirements.txt:3: the requirement requests>=2.31 is not pinned to one version")
                .hasMessageContaining("Pin it with ==, e.g.");

        ScanContext lenient = new ScanContext(true, ScanContext.MavenSettings.defaults());
        Inventory inventory = new RequirementsScanner().scan(tree, "requirements.txt", lenient);
        assertThat(byRef(inventory)).containsOnlyKeys("pkg:pypi/flask@3.1.3");
        assertThat(lenient.gaps()).extracting(ScanContext.Gap::reason).containsExactly(
                "the requirement requests>=2.31 is not pinned to one version",
                "the editable requirement ./lib has no version");
    }

    @Test
    void aMissingIncludedRequirementsFileIsAGap(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("requirements.txt"), "flask==3.1.3\n-r ../outside.txt\n");

        assertThatThrownBy(() -> new RequirementsScanner().scan(new DirectoryTree(dir), "requirements.txt", strict()))
                .hasMessageStartingWith("requirements.txt:2: the included file ../outside.txt is not in the tree");
    }

    @Test
    void readsPoetryLockGroupsExtrasHashesAndEdges() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("poetry"));

        Inventory inventory = new PoetryLockScanner().scan(tree, "poetry.lock", strict());

        Map<String, FoundPackage> packages = byRef(inventory);
        assertThat(packages).hasSize(15);
        assertThat(packages.get("pkg:pypi/requests@2.23.0").scope()).isEqualTo(Component.Scope.REQUIRED);
        assertThat(packages.get("pkg:pypi/pytest@3.8.0").scope()).isEqualTo(Component.Scope.OPTIONAL);
        assertThat(packages.get("pkg:pypi/pysocks@1.7.1").scope()).isEqualTo(Component.Scope.OPTIONAL);
        assertThat(packages.get("pkg:pypi/colorama@0.4.3").hashes()).containsEntry("SHA-256",
                "7d73d2a99753107a36ac6b455ee49046802e59d9d076ef8e47b61499fa29afff");
        assertThat(inventory.dependencies().get("pkg:pypi/requests@2.23.0")).containsExactlyInAnyOrder(
                "pkg:pypi/certifi@2020.4.5.1", "pkg:pypi/chardet@3.0.4", "pkg:pypi/idna@2.9", "pkg:pypi/pysocks@1.7.1",
                "pkg:pypi/urllib3@1.25.9");
        assertThat(inventory.dependencies().get("pkg:pypi/pytest@3.8.0")).contains("pkg:pypi/colorama@0.4.3", "pkg:pypi/six@1.14.0");
        // pyproject.toml: PEP 621 dependencies, the socks extra and Poetry's dev group
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:pypi/requests@2.23.0", "pkg:pypi/pysocks@1.7.1",
                "pkg:pypi/pytest@3.8.0");
    }

    @Test
    void readsLegacyPoetryLockCategoriesAndMetadataFiles() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("poetry-legacy"));

        Inventory inventory = new PoetryLockScanner().scan(tree, "poetry.lock", strict());

        Map<String, FoundPackage> packages = byRef(inventory);
        assertThat(packages.get("pkg:pypi/mock@2.0.0").scope()).isEqualTo(Component.Scope.OPTIONAL);
        assertThat(packages.get("pkg:pypi/pyasn1@0.4.4").hashes()).containsEntry("SHA-256",
                "b9d3abc5031e61927c82d4d96c1cec1e55676c1a991623cfed28faea73cdd7ca");
        // no pyproject.toml: the packages nobody depends on are direct
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:pypi/rsa@4.0", "pkg:pypi/mock@2.0.0");
        assertThat(inventory.dependencies()).containsExactly(Map.entry("pkg:pypi/rsa@4.0", java.util.Set.of("pkg:pypi/pyasn1@0.4.4")));
    }

    @Test
    void reportsTheLineOfMalformedToml(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("poetry.lock"), "[[package]]\nname = \"rsa\"\nversion = 4.0.1\n");

        assertThatThrownBy(() -> new PoetryLockScanner().scan(new DirectoryTree(dir), "poetry.lock", strict()))
                .isInstanceOfSatisfying(SbomInputException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageStartingWith("poetry.lock:3: the file is malformed");
    }

    @Test
    void readsPipfileLockSectionsAndDirectDependenciesFromThePipfile() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("pipenv"));

        Inventory inventory = new PipfileLockScanner().scan(tree, "Pipfile.lock", strict());

        Map<String, FoundPackage> packages = byRef(inventory);
        assertThat(packages).hasSize(42);
        assertThat(packages.get("pkg:pypi/pyasn1@0.4.4").scope()).isEqualTo(Component.Scope.REQUIRED);
        assertThat(packages.get("pkg:pypi/sphinx@1.8.0").scope()).isEqualTo(Component.Scope.OPTIONAL);
        assertThat(packages.get("pkg:pypi/distlib@0.3.0").hashes()).containsOnlyKeys("SHA-256");
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:pypi/pyasn1@0.4.4", "pkg:pypi/tox@3.3.0",
                "pkg:pypi/mock@2.0.0", "pkg:pypi/sphinx@1.8.0", "pkg:pypi/coveralls@1.5.0", "pkg:pypi/pytest@3.8.0",
                "pkg:pypi/pytest-cov@2.6.0", "pkg:pypi/pathlib2@2.3.5");
    }

    @Test
    void anUnpinnedPipfileLockEntryIsAGap(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("Pipfile.lock"), """
                {"_meta": {}, "default": {"mylib": {"editable": true, "path": "."}}, "develop": {}}
                """);

        assertThatThrownBy(() -> new PipfileLockScanner().scan(new DirectoryTree(dir), "Pipfile.lock", strict()))
                .hasMessageContaining("Pipfile.lock: the package mylib in \"default\" is not pinned to one version");
    }

    @Test
    void readsPackagesInstalledInAnImageWithLicencesAndEdges() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("image"));
        InstalledPythonScanner scanner = new InstalledPythonScanner();
        assertThat(tree.files()).filteredOn(path -> scanner.reads(tree, path)).containsExactly(
                "usr/local/lib/python3.11/site-packages/blinker-1.9.0.dist-info/METADATA");

        Inventory inventory = scanner.scan(tree, "usr/local/lib/python3.11/site-packages/blinker-1.9.0.dist-info/METADATA", strict());

        Map<String, FoundPackage> packages = byRef(inventory);
        assertThat(inventory.file()).isEqualTo("usr/local/lib/python3.11/site-packages");
        assertThat(packages).hasSize(12);
        assertThat(packages.get("pkg:pypi/flask@3.1.3").licenses()).containsExactly("BSD-3-Clause");
        assertThat(packages.get("pkg:pypi/requests@2.34.2").licenses()).containsExactly("Apache-2.0");
        assertThat(packages.get("pkg:pypi/markupsafe@3.0.3").foundIn())
                .isEqualTo("usr/local/lib/python3.11/site-packages/markupsafe-3.0.3.dist-info/METADATA");
        // extras (socks, use-chardet-on-py3) are not installed requirements
        assertThat(inventory.dependencies().get("pkg:pypi/requests@2.34.2")).containsExactlyInAnyOrder(
                "pkg:pypi/charset-normalizer@3.4.7", "pkg:pypi/idna@3.13", "pkg:pypi/urllib3@2.7.0", "pkg:pypi/certifi@2026.5.20");
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:pypi/flask@3.1.3", "pkg:pypi/requests@2.34.2");
    }
}
