package io.jenkins.plugins.securedelivery.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.cyclonedx.model.Bom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SbomFileTest {

    static Bom sample() throws Exception {
        return new BomAssembly().assemble(BomAssemblyTest.APP, List.of(BomAssemblyTest.console()), List.of(), Instant.EPOCH, true);
    }

    @Test
    void writesJsonAndXmlThatValidateAndReadBack(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bom.json");
        Path xml = dir.resolve("bom.xml");

        SbomFile.write(sample(), SbomFormat.JSON, json);
        SbomFile.write(sample(), SbomFormat.XML, xml);

        assertThat(SbomFile.validate(json)).isEmpty();
        assertThat(SbomFile.validate(xml)).isEmpty();
        assertThat(Files.readString(xml)).contains("http://cyclonedx.org/schema/bom/1.6");
        assertThat(SbomFile.read(xml).getComponents()).hasSize(3);
        assertThat(SbomFile.read(json).getComponents()).hasSize(3);
    }

    @Test
    void replacesAnOldFileWholeAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path out = Files.writeString(dir.resolve("bom.json"), "old");

        SbomFile.write(sample(), SbomFormat.JSON, out);

        assertThat(Files.readString(out)).startsWith("{");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void aMissingOutputDirectoryIsAnErrorNamingItAndWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("no-such-dir/bom.json");

        assertThatThrownBy(() -> SbomFile.write(sample(), SbomFormat.JSON, out))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("no-such-dir").hasMessageContaining("Create");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void reportsSchemaViolations(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                 "components": [{"type": "no-such-type", "name": "x"}]}
                """);

        assertThat(SbomFile.validate(bad)).isNotEmpty().anySatisfy(p -> assertThat(p).startsWith("/components/0/type: ").contains("enumeration"));
        assertThatThrownBy(() -> SbomFile.read(bad)).isInstanceOf(SbomInputException.class).hasMessageContaining("bad.json");
    }

    @Test
    void anXmlExternalEntityIsRefusedNotRead(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "token-4711");
        Path xxe = Files.writeString(dir.resolve("xxe.xml"), """
                <?xml version="1.0"?>
                <!DOCTYPE bom [<!ENTITY leak SYSTEM "%s">]>
                <bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
                  <components><component type="library"><name>&leak;</name><version>1</version></component></components>
                </bom>
                """.formatted(secret.toUri()));

        assertThat(SbomFile.validate(xxe)).isNotEmpty().allSatisfy(p -> assertThat(p).doesNotContain("token-4711"));
        assertThatThrownBy(() -> SbomFile.read(xxe)).isInstanceOf(SbomInputException.class)
                .hasMessageContaining("External Entity").hasMessageNotContaining("token-4711");
    }

    @Test
    void malformedJsonIsReportedWithItsLine(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("broken.json"), "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \n}\n", StandardCharsets.UTF_8);

        assertThat(SbomFile.validate(bad)).singleElement().satisfies(p -> assertThat(p).startsWith(bad + ":4:"));
    }

    @Test
    void aJsonDocumentThatIsNotCycloneDxIsRefused(@TempDir Path dir) throws Exception {
        Path spdx = Files.writeString(dir.resolve("spdx.json"), "{\"spdxVersion\": \"SPDX-2.3\"}");

        assertThat(SbomFile.validate(spdx)).singleElement().satisfies(p -> assertThat(p).contains("not a CycloneDX document"));
    }

    @Test
    void validatesOlderSpecVersionsAgainstTheirOwnSchema(@TempDir Path dir) throws Exception {
        Path v14 = Files.writeString(dir.resolve("v14.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
                 "components": [{"type": "library", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0"}]}
                """);

        assertThat(SbomFile.validate(v14)).isEmpty();
    }
}
