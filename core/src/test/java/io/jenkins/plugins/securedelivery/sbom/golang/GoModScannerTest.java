package io.jenkins.plugins.securedelivery.sbom.golang;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoModScannerTest {

    private static final Path FIXTURES = Path.of("src/test/resources/sbom/golang");
    private static final Path NO_CACHE = Path.of("target/no-such-module-cache");

    private static ScanContext strict() {
        return new ScanContext(false, ScanContext.MavenSettings.defaults());
    }

    @Test
    void listsRequiredModulesWithReplacementsAndDirectness() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("app"));
        GoModScanner scanner = new GoModScanner(NO_CACHE);
        assertThat(tree.files()).filteredOn(path -> scanner.reads(tree, path)).containsExactly("go.mod", "shared/go.mod");

        Inventory inventory = scanner.scan(tree, "go.mod", strict());

        assertThat(inventory.ecosystem()).isEqualTo("go");
        // the local replacement example.com/fixture/shared is first-party source, not a component;
        // golang.org/x/net is built at the replacement's version
        // packageurl-java lower-cases golang namespaces and names, as the purl specification's golang type says
        assertThat(inventory.packages()).extracting(FoundPackage::ref).containsExactly(
                "pkg:golang/github.com/burntsushi/toml@v1.3.2",
                "pkg:golang/github.com/spf13/cobra@v1.8.0",
                "pkg:golang/golang.org/x/net@v0.23.0",
                "pkg:golang/github.com/cpuguy83/go-md2man/v2@v2.0.3",
                "pkg:golang/github.com/inconshreveable/mousetrap@v1.1.0",
                "pkg:golang/github.com/russross/blackfriday/v2@v2.1.0",
                "pkg:golang/github.com/spf13/pflag@v1.0.5",
                "pkg:golang/golang.org/x/text@v0.14.0",
                "pkg:golang/gopkg.in/yaml.v3@v3.0.1");
        assertThat(inventory.packages().get(2).purl().getNamespace()).isEqualTo("golang.org/x");
        assertThat(inventory.packages()).allSatisfy(p -> assertThat(p.hashes()).isEmpty());
        assertThat(inventory.direct()).containsExactlyInAnyOrder("pkg:golang/github.com/burntsushi/toml@v1.3.2",
                "pkg:golang/github.com/spf13/cobra@v1.8.0", "pkg:golang/golang.org/x/net@v0.23.0");
        assertThat(inventory.dependencies()).isEmpty(); // no module cache: only the project's own edges are known
    }

    @Test
    void readsDependencyEdgesFromTheModuleCache() throws IOException {
        DirectoryTree tree = new DirectoryTree(FIXTURES.resolve("app"));

        Inventory inventory = new GoModScanner(FIXTURES.resolve("gomodcache")).scan(tree, "go.mod", strict());

        assertThat(inventory.dependencies()).containsOnly(
                Map.entry("pkg:golang/github.com/spf13/cobra@v1.8.0", Set.of(
                        "pkg:golang/github.com/cpuguy83/go-md2man/v2@v2.0.3",
                        "pkg:golang/github.com/inconshreveable/mousetrap@v1.1.0",
                        "pkg:golang/github.com/spf13/pflag@v1.0.5",
                        "pkg:golang/gopkg.in/yaml.v3@v3.0.1")),
                Map.entry("pkg:golang/github.com/cpuguy83/go-md2man/v2@v2.0.3", Set.of(
                        "pkg:golang/github.com/russross/blackfriday/v2@v2.1.0")),
                // x/net v0.23.0 also needs crypto, sys and term, which provide no package this build uses
                Map.entry("pkg:golang/golang.org/x/net@v0.23.0", Set.of("pkg:golang/golang.org/x/text@v0.14.0")));
    }

    @Test
    void aModuleMissingFromGoSumIsAGap(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("go.mod"), "module example.com/app\n\ngo 1.22\n\nrequire (\n"
                + "\tgithub.com/spf13/pflag v1.0.5\n\tgithub.com/google/uuid v1.6.0\n)\n");
        Files.writeString(dir.resolve("go.sum"), "github.com/spf13/pflag v1.0.5 h1:iy+VFUOCP1a+8yFto/drg2CJ5u0yRoB7fZw3DKv/JXA=\n");
        DirectoryTree tree = new DirectoryTree(dir);

        assertThatThrownBy(() -> new GoModScanner(NO_CACHE).scan(tree, "go.mod", strict()))
                .hasMessage("go.sum: go.sum has no entry for github.com/google/uuid v1.6.0, required at go.mod:7. "
                        + "Run `go mod tidy` and commit go.mod and go.sum");

        ScanContext lenient = new ScanContext(true, ScanContext.MavenSettings.defaults());
        Inventory inventory = new GoModScanner(NO_CACHE).scan(tree, "go.mod", lenient);
        assertThat(inventory.packages()).hasSize(2);
        assertThat(lenient.gaps()).hasSize(1);
    }

    @Test
    void aRequiredVersionThatIsExcludedIsAGap(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("go.mod"), "module example.com/app\nrequire golang.org/x/text v0.13.0\n"
                + "exclude golang.org/x/text v0.13.0\n");
        Files.writeString(dir.resolve("go.sum"), "golang.org/x/text v0.13.0/go.mod h1:x=\n");

        assertThatThrownBy(() -> new GoModScanner(NO_CACHE).scan(new DirectoryTree(dir), "go.mod", strict()))
                .hasMessageStartingWith("go.mod:2: the required golang.org/x/text v0.13.0 is excluded");
    }

    @Test
    void reportsTheLineOfAMalformedGoMod(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("go.mod"), "module example.com/app\n\nrequire (\n\tgithub.com/spf13/pflag\n)\n");

        assertThatThrownBy(() -> new GoModScanner(NO_CACHE).scan(new DirectoryTree(dir), "go.mod", strict()))
                .isInstanceOfSatisfying(SbomInputException.class, e -> assertThat(e.line()).isEqualTo(4))
                .hasMessageContaining("expected the module path and version");
    }

    @Test
    void escapesUpperCaseLettersAsTheModuleCacheDoes() {
        assertThat(List.of(GoModScanner.escape("github.com/BurntSushi/toml"), GoModScanner.escape("v1.0.0-RC1")))
                .containsExactly("github.com/!burnt!sushi/toml", "v1.0.0-!r!c1");
    }
}
