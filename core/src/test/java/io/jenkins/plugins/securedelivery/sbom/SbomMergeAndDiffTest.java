package io.jenkins.plugins.securedelivery.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.packageurl.PackageURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SbomMergeAndDiffTest {

    static Bom module(String name, String... npm) throws Exception {
        List<FoundPackage> packages = new java.util.ArrayList<>();
        for (String nameAtVersion : npm) {
            String[] parts = nameAtVersion.split("@");
            packages.add(FoundPackage.library(new PackageURL("npm", null, parts[0], parts[1], null, null), "package-lock.json"));
        }
        Set<String> direct = new java.util.HashSet<>();
        packages.forEach(p -> direct.add(p.ref()));
        Subject subject = new Subject(Component.Type.APPLICATION, name, "1.0.0", "pkg:generic/" + name + "@1.0.0");
        return new BomAssembly().assemble(subject, List.of(new Inventory("npm", "package-lock.json", packages, direct, Map.of())), List.of(), Instant.EPOCH, true);
    }

    @Test
    void mergesModulesIntoOnePlatformDeduplicatedByPurlKeepingEachModulesGraph(@TempDir Path dir) throws Exception {
        Map<String, Bom> inputs = new LinkedHashMap<>();
        inputs.put("catalog.json", module("catalog", "lodash@4.17.21", "express@4.21.2"));
        inputs.put("rfq.json", module("rfq", "lodash@4.17.21", "zod@3.23.8"));

        Bom merged = SbomMerge.merge(inputs, "medical-platform", "2026.11", true);

        assertThat(merged.getComponents()).extracting(Component::getPurl).containsExactly(
                "pkg:generic/catalog@1.0.0", "pkg:generic/rfq@1.0.0",
                "pkg:npm/express@4.21.2", "pkg:npm/lodash@4.17.21", "pkg:npm/zod@3.23.8");
        Dependency root = merged.getDependencies().get(0);
        assertThat(root.getRef()).isEqualTo("medical-platform@2026.11");
        assertThat(root.getDependencies()).extracting(Dependency::getRef).containsExactly("pkg:generic/catalog@1.0.0", "pkg:generic/rfq@1.0.0");
        Dependency rfq = merged.getDependencies().stream().filter(d -> d.getRef().equals("pkg:generic/rfq@1.0.0")).findFirst().orElseThrow();
        assertThat(rfq.getDependencies()).extracting(Dependency::getRef).containsExactly("pkg:npm/lodash@4.17.21", "pkg:npm/zod@3.23.8");
        Path out = dir.resolve("platform.json");
        SbomFile.write(merged, SbomFormat.JSON, out);
        assertThat(SbomFile.validate(out)).isEmpty();
    }

    @Test
    void mergingAnIncompleteSbomGivesAnIncompletePlatform() throws Exception {
        Subject subject = new Subject(Component.Type.APPLICATION, "ticket", "1.0.0", null);
        Bom incomplete = new BomAssembly().assemble(subject, List.of(), List.of(new ScanContext.Gap("go.mod", "go.sum lacks x")), Instant.EPOCH, true);
        Map<String, Bom> inputs = new LinkedHashMap<>();
        inputs.put("catalog.json", module("catalog", "lodash@4.17.21"));
        inputs.put("ticket.json", incomplete);

        SbomSummary summary = SbomSummary.of(SbomMerge.merge(inputs, "platform", null, true));

        assertThat(summary.incomplete()).isTrue();
        assertThat(summary.gaps()).containsExactly("go.mod: go.sum lacks x");
    }

    @Test
    void diffListsAddedRemovedAndChangedPackages() throws Exception {
        Bom build = module("app", "lodash@4.17.21", "express@4.21.2", "debug@2.6.9");
        Bom image = module("app", "lodash@4.17.21", "express@4.21.1", "ms@2.1.3");

        SbomDiff diff = SbomDiff.between(build, image);

        assertThat(diff.added()).containsExactly("pkg:npm/ms@2.1.3");
        assertThat(diff.removed()).containsExactly("pkg:npm/debug@2.6.9");
        assertThat(diff.changed()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("pkg:npm/express");
            assertThat(c.from()).containsExactly("4.21.2");
            assertThat(c.to()).containsExactly("4.21.1");
        });
        assertThat(diff.missing()).containsExactly("pkg:npm/debug@2.6.9", "pkg:npm/express@4.21.2");
    }

    @Test
    void qualifiersDoNotCountAsChanges(@TempDir Path dir) throws Exception {
        Path ours = Files.writeString(dir.resolve("ours.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
                  {"type": "library", "name": "guava", "group": "com.google.guava", "version": "33.4.8-jre",
                   "purl": "pkg:maven/com.google.guava/guava@33.4.8-jre?type=jar"}]}
                """);
        Path theirs = Files.writeString(dir.resolve("theirs.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [
                  {"type": "library", "name": "guava", "group": "com.google.guava", "version": "33.4.8-jre",
                   "purl": "pkg:maven/com.google.guava/guava@33.4.8-jre"}]}
                """);

        assertThat(SbomDiff.between(SbomFile.read(ours), SbomFile.read(theirs)).isEmpty()).isTrue();
    }
}
