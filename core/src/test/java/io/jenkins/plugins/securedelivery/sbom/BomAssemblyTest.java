package io.jenkins.plugins.securedelivery.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.packageurl.PackageURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Composition;
import org.cyclonedx.model.Dependency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BomAssemblyTest {

    static final Subject APP = new Subject(Component.Type.APPLICATION, "medical-platform", "1.4.0", "pkg:generic/medical-platform@1.4.0");

    static FoundPackage npm(String name, String version, Component.Scope scope, String license) throws Exception {
        String namespace = name.startsWith("@") ? name.substring(0, name.indexOf('/')) : null;
        String bare = namespace == null ? name : name.substring(namespace.length() + 1);
        return new FoundPackage(new PackageURL("npm", namespace, bare, version, null, null), Component.Type.LIBRARY, scope,
                Map.of("SHA-512", "ab".repeat(64)), license == null ? List.of() : List.of(license), "web/package-lock.json");
    }

    static Inventory console() throws Exception {
        FoundPackage chart = npm("chart.js", "4.6.1", Component.Scope.REQUIRED, "MIT");
        FoundPackage color = npm("@kurkle/color", "0.3.4", Component.Scope.REQUIRED, "MIT");
        FoundPackage prettier = npm("prettier", "3.6.2", Component.Scope.OPTIONAL, "MIT OR Apache-2.0");
        return new Inventory("npm", "web/package-lock.json", List.of(chart, color, prettier),
                Set.of(chart.ref(), prettier.ref()),
                Map.of(chart.ref(), Set.of(color.ref(), "pkg:npm/not-listed@1.0.0")));
    }

    @Test
    void fillsComponentsWithPurlScopeHashesAndSpdxLicences() throws Exception {
        Bom bom = new BomAssembly().assemble(APP, List.of(console()), List.of(), Instant.EPOCH, true);

        assertThat(bom.getComponents()).extracting(Component::getPurl)
                .containsExactly("pkg:npm/%40kurkle/color@0.3.4", "pkg:npm/chart.js@4.6.1", "pkg:npm/prettier@3.6.2");
        Component color = bom.getComponents().get(0);
        assertThat(color.getGroup()).isEqualTo("@kurkle");
        assertThat(color.getName()).isEqualTo("color");
        assertThat(color.getBomRef()).isEqualTo(color.getPurl());
        assertThat(color.getLicenses().getLicenses()).singleElement().satisfies(l -> assertThat(l.getId()).isEqualTo("MIT"));
        assertThat(color.getHashes()).singleElement().satisfies(h -> assertThat(h.getAlgorithm()).isEqualTo("SHA-512"));
        Component prettier = bom.getComponents().get(2);
        assertThat(prettier.getScope()).isEqualTo(Component.Scope.OPTIONAL);
        assertThat(prettier.getLicenses().getExpression().getValue()).isEqualTo("MIT OR Apache-2.0");
        assertThat(bom.getMetadata().getComponent().getName()).isEqualTo("medical-platform");
        assertThat(bom.getMetadata().getToolChoice().getComponents()).extracting(Component::getName).containsExactly("secure-delivery");
    }

    @Test
    void rootsTheGraphAtTheSubjectAndDropsEdgesToUnlistedPackages() throws Exception {
        Bom bom = new BomAssembly().assemble(APP, List.of(console()), List.of(), Instant.EPOCH, true);

        Dependency root = bom.getDependencies().get(0);
        assertThat(root.getRef()).isEqualTo("pkg:generic/medical-platform@1.4.0");
        assertThat(root.getDependencies()).extracting(Dependency::getRef)
                .containsExactly("pkg:npm/chart.js@4.6.1", "pkg:npm/prettier@3.6.2");
        Dependency chart = bom.getDependencies().stream().filter(d -> d.getRef().equals("pkg:npm/chart.js@4.6.1")).findFirst().orElseThrow();
        assertThat(chart.getDependencies()).extracting(Dependency::getRef).containsExactly("pkg:npm/%40kurkle/color@0.3.4");
        assertThat(bom.getDependencies()).hasSize(4);
    }

    @Test
    void aPackageFoundTwiceIsOneComponentAndRequiredBeatsOptional() throws Exception {
        FoundPackage asDev = npm("chart.js", "4.6.1", Component.Scope.OPTIONAL, "MIT");
        Inventory other = new Inventory("npm", "admin/package-lock.json", List.of(asDev), Set.of(asDev.ref()), Map.of());

        Bom bom = new BomAssembly().assemble(APP, List.of(other, console()), List.of(), Instant.EPOCH, true);

        assertThat(bom.getComponents()).filteredOn(c -> c.getName().equals("chart.js")).singleElement()
                .satisfies(c -> assertThat(c.getScope()).isEqualTo(Component.Scope.REQUIRED));
    }

    @Test
    void gapsMakeTheCompositionIncompleteAndAreListed() throws Exception {
        List<ScanContext.Gap> gaps = List.of(new ScanContext.Gap("pom.xml", "cannot resolve com.example:missing:1.0"));

        Bom bom = new BomAssembly().assemble(APP, List.of(console()), gaps, Instant.EPOCH, true);

        assertThat(bom.getCompositions()).singleElement().satisfies(c -> {
            assertThat(c.getAggregate()).isEqualTo(Composition.Aggregate.INCOMPLETE);
            assertThat(c.getAssemblies()).extracting(r -> r.getRef()).containsExactly(APP.ref());
        });
        assertThat(SbomSummary.of(bom).gaps()).containsExactly("pom.xml: cannot resolve com.example:missing:1.0");
    }

    @Test
    void aCompleteScanSaysSo() throws Exception {
        Bom bom = new BomAssembly().assemble(APP, List.of(console()), List.of(), Instant.EPOCH, true);

        assertThat(bom.getCompositions()).singleElement()
                .satisfies(c -> assertThat(c.getAggregate()).isEqualTo(Composition.Aggregate.COMPLETE));
    }

    @Test
    void reproducibleAssemblyGivesIdenticalBytesAndAValidDocument(@TempDir Path dir) throws Exception {
        byte[] first = SbomFile.encode(new BomAssembly().assemble(APP, List.of(console()), List.of(), Instant.EPOCH, true), SbomFormat.JSON);
        byte[] second = SbomFile.encode(new BomAssembly().assemble(APP, List.of(console()), List.of(), Instant.EPOCH, true), SbomFormat.JSON);

        assertThat(first).isEqualTo(second);
        Path file = Files.write(dir.resolve("bom.json"), first);
        assertThat(SbomFile.validate(file)).isEmpty();
        assertThat(new String(first)).contains("\"specVersion\" : \"1.6\"", "\"timestamp\" : \"1970-01-01T00:00:00Z\"");
    }

    @Test
    void differentContentGivesADifferentSerialNumber() throws Exception {
        Bom one = new BomAssembly().assemble(APP, List.of(console()), List.of(), Instant.EPOCH, true);
        Subject other = new Subject(Component.Type.APPLICATION, "medical-platform", "1.4.1", "pkg:generic/medical-platform@1.4.1");
        Bom two = new BomAssembly().assemble(other, List.of(console()), List.of(), Instant.EPOCH, true);

        assertThat(one.getSerialNumber()).startsWith("urn:uuid:").isNotEqualTo(two.getSerialNumber());
    }
}
