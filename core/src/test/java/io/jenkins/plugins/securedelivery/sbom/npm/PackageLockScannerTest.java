package io.jenkins.plugins.securedelivery.sbom.npm;

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

class PackageLockScannerTest {

    private static final Path FIXTURES = Path.of("src/test/resources/sbom/npm");
    private final PackageLockScanner scanner = new PackageLockScanner();

    private static ScanContext strict() {
        return new ScanContext(false, ScanContext.MavenSettings.defaults());
    }

    private static Map<String, FoundPackage> byRef(Inventory inventory) {
        return inventory.packages().stream().collect(Collectors.toMap(FoundPackage::ref, p -> p));
    }

    @Test
    void readsEveryPackageOfALockfileVersion3WithScopesHashesAndLicences() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("app"));
        assertThat(scanner.reads(tree, "package-lock.json")).isTrue();

        Inventory inventory = scanner.scan(tree, "package-lock.json", strict());

        Map<String, FoundPackage> packages = byRef(inventory);
        assertThat(inventory.ecosystem()).isEqualTo("npm");
        // 82 install locations; debug@2.6.9 is installed at four of them and ms@2.0.0 at two: one component each
        assertThat(packages).hasSize(78);
        FoundPackage types = packages.get("pkg:npm/%40types/node@20.11.0");
        assertThat(types.scope()).isEqualTo(Component.Scope.REQUIRED);
        assertThat(types.licenses()).containsExactly("MIT");
        assertThat(packages.get("pkg:npm/kind-of@6.0.3").scope()).isEqualTo(Component.Scope.OPTIONAL);
        assertThat(packages.get("pkg:npm/is-number@7.0.0").scope()).isEqualTo(Component.Scope.OPTIONAL);
        // ms 2.0.0 is a dev dependency of the project but express needs it at run time too
        assertThat(packages.get("pkg:npm/ms@2.0.0").scope()).isEqualTo(Component.Scope.REQUIRED);
        assertThat(packages.get("pkg:npm/kind-of@6.0.3").hashes()).containsEntry("SHA-512",
                "75c4b5ba5fbdb66783f794fec76f3f7a12e077d98435adcbb2f0d3b739b7bf20443bb44fa6dbc00feb78e165576948d305172ba45785942f160abb94478e7a87");
    }

    @Test
    void resolvesNestedDuplicatesWithNodesLookupRules() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("app"));

        Inventory inventory = scanner.scan(tree, "package-lock.json", strict());

        // the project's debug@4.3.4 uses its own nested ms@2.1.2; express's nested debug@2.6.9 uses the top-level ms@2.0.0
        assertThat(inventory.dependencies().get("pkg:npm/debug@4.3.4")).containsExactly("pkg:npm/ms@2.1.2");
        assertThat(inventory.dependencies().get("pkg:npm/debug@2.6.9")).containsExactly("pkg:npm/ms@2.0.0");
        assertThat(inventory.dependencies().get("pkg:npm/express@4.22.3")).contains("pkg:npm/debug@2.6.9", "pkg:npm/body-parser@1.20.9");
        // send has its own nested ms@2.1.3 and a nested debug whose own nested ms is 2.0.0
        assertThat(inventory.dependencies().get("pkg:npm/send@0.19.2")).contains("pkg:npm/ms@2.1.3", "pkg:npm/debug@2.6.9");
    }

    @Test
    void directDependenciesAreTheProjectsIncludingDevOptionalAndAliases() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("app"));

        Inventory inventory = scanner.scan(tree, "package-lock.json", strict());

        // lodash-es is an alias of lodash: the component is the real package
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:npm/express@4.22.3", "pkg:npm/%40types/node@20.11.0",
                "pkg:npm/debug@4.3.4", "pkg:npm/lodash@4.17.21", "pkg:npm/ms@2.0.0", "pkg:npm/kind-of@6.0.3",
                "pkg:npm/is-number@7.0.0");
    }

    @Test
    void followsWorkspaceLinksOfALockfileVersion2() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("workspaces"));

        Inventory inventory = scanner.scan(tree, "package-lock.json", strict());

        assertThat(byRef(inventory)).containsOnlyKeys("pkg:npm/%40fixture/util@0.1.0", "pkg:npm/lru-cache@6.0.0",
                "pkg:npm/semver@7.6.0", "pkg:npm/yallist@4.0.0");
        assertThat(byRef(inventory).get("pkg:npm/%40fixture/util@0.1.0").licenses()).containsExactly("Apache-2.0");
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:npm/%40fixture/util@0.1.0", "pkg:npm/semver@7.6.0");
        assertThat(inventory.dependencies().get("pkg:npm/%40fixture/util@0.1.0")).containsExactly("pkg:npm/lru-cache@6.0.0");
        assertThat(inventory.dependencies().get("pkg:npm/lru-cache@6.0.0")).containsExactly("pkg:npm/yallist@4.0.0");
    }

    @Test
    void readsTheHiddenLockFileWhenNoLockFileIsCommitted() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("hidden"));
        assertThat(tree.files()).contains("node_modules/.package-lock.json");
        assertThat(scanner.reads(tree, "node_modules/.package-lock.json")).isTrue();

        Inventory inventory = scanner.scan(tree, "node_modules/.package-lock.json", strict());

        assertThat(byRef(inventory)).containsOnlyKeys("pkg:npm/%40sindresorhus/is@4.6.0", "pkg:npm/debug@4.3.4", "pkg:npm/ms@2.1.2");
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:npm/%40sindresorhus/is@4.6.0", "pkg:npm/debug@4.3.4");
    }

    @Test
    void skipsTheHiddenLockFileBesideACommittedLockAndLockFilesInsideNodeModules(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("node_modules/left-pad"));
        Files.writeString(dir.resolve("package-lock.json"), "{}");
        Files.writeString(dir.resolve("node_modules/.package-lock.json"), "{}");
        Files.writeString(dir.resolve("node_modules/left-pad/package-lock.json"), "{}");
        DirectoryTree tree = new DirectoryTree(dir);

        assertThat(scanner.reads(tree, "node_modules/.package-lock.json")).isFalse();
        assertThat(scanner.reads(tree, "node_modules/left-pad/package-lock.json")).isFalse();
        assertThat(scanner.reads(tree, "vendor/node_modules/x/package-lock.json")).isFalse();
        assertThat(scanner.reads(tree, "package-lock.json")).isTrue();
    }

    @Test
    void refusesALockfileVersion1AndSaysHowToUpgradeIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("package-lock.json"),
                "{\"name\":\"old\",\"lockfileVersion\":1,\"dependencies\":{\"ms\":{\"version\":\"2.1.3\"}}}");

        assertThatThrownBy(() -> scanner.scan(new DirectoryTree(dir), "package-lock.json", strict()))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("package-lock.json")
                .hasMessageContaining("lockfileVersion 1 is an unknown format")
                .hasMessageContaining("npm install --package-lock-only");
    }

    @Test
    void reportsTheLineOfMalformedJson(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("package-lock.json"), "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {,\n  }\n}\n");

        assertThatThrownBy(() -> scanner.scan(new DirectoryTree(dir), "package-lock.json", strict()))
                .isInstanceOfSatisfying(SbomInputException.class, e -> {
                    assertThat(e.file()).isEqualTo("package-lock.json");
                    assertThat(e.line()).isEqualTo(4);
                })
                .hasMessageStartingWith("package-lock.json:4: the file is malformed");
    }

    @Test
    void aDependencyMissingFromTheLockFileIsAGap(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("package-lock.json"), """
                {"lockfileVersion": 3, "packages": {
                  "": {"dependencies": {"debug": "4.3.4"}},
                  "node_modules/debug": {"version": "4.3.4", "dependencies": {"ms": "2.1.2"}}}}
                """);
        DirectoryTree tree = new DirectoryTree(dir);

        assertThatThrownBy(() -> scanner.scan(tree, "package-lock.json", strict()))
                .hasMessageContaining("the dependency ms of node_modules/debug is not in the lock file");
        ScanContext lenient = new ScanContext(true, ScanContext.MavenSettings.defaults());
        Inventory inventory = scanner.scan(tree, "package-lock.json", lenient);
        assertThat(inventory.direct()).containsExactly("pkg:npm/debug@4.3.4");
        assertThat(lenient.gaps()).hasSize(1);
    }

    @Test
    void bundledDependenciesAreComponentsOfTheirBundler(@TempDir Path dir) throws IOException {
        // the shape npm writes for a package shipping bundleDependencies: the bundled copy sits under the bundler
        Files.writeString(dir.resolve("package-lock.json"), """
                {"lockfileVersion": 3, "packages": {
                  "": {"dependencies": {"bundler": "1.0.0"}},
                  "node_modules/bundler": {"version": "1.0.0", "bundleDependencies": ["ms"], "dependencies": {"ms": "2.1.3"}},
                  "node_modules/bundler/node_modules/ms": {"version": "2.1.3", "inBundle": true, "license": "MIT"}}}
                """);

        Inventory inventory = scanner.scan(new DirectoryTree(dir), "package-lock.json", strict());

        assertThat(byRef(inventory)).containsOnlyKeys("pkg:npm/bundler@1.0.0", "pkg:npm/ms@2.1.3");
        assertThat(inventory.dependencies().get("pkg:npm/bundler@1.0.0")).containsExactly("pkg:npm/ms@2.1.3");
    }
}
