package io.jenkins.plugins.securedelivery.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Composition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator end to end: real files in, a valid CycloneDX 1.6 SBOM out. */
class SbomGeneratorTest {

    @TempDir
    Path temp;

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SbomGeneratorTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    /** A Debian base layer with a real dpkg database, and an application layer holding an installed npm project. */
    private static ImageFixture.Image debianWithNodeApp() throws IOException {
        String os = "/io/jenkins/plugins/securedelivery/sbom/os/debian12/";
        ImageFixture.Layer base = new ImageFixture.Layer()
                .file("usr/lib/os-release", resource(os + "os-release"))
                .symlink("etc/os-release", "../usr/lib/os-release")
                .file("var/lib/dpkg/status", resource(os + "status"))
                .file("usr/share/doc/tar/copyright", resource(os + "doc/tar/copyright"));
        ImageFixture.Layer app = new ImageFixture.Layer()
                .file("app/package.json", resource("/sbom/npm/hidden/package.json"))
                .file("app/node_modules/.package-lock.json", resource("/sbom/npm/hidden/node_modules/.package-lock.json"));
        return new ImageFixture.Image().layer(base).layer(app);
    }

    @Test
    void anOciLayoutGivesAContainerSbomWithOsAndLanguagePackages() throws Exception {
        Path oci = ImageFixture.layout(debianWithNodeApp(), "registry.example.com/team/console:1.4.0").writeDirectory(temp.resolve("oci"));

        Bom bom = new SbomGenerator(oci).reproducible(true).call();

        Component subject = bom.getMetadata().getComponent();
        assertThat(subject.getType()).isEqualTo(Component.Type.CONTAINER);
        assertThat(subject.getVersion()).startsWith("sha256:");
        assertThat(subject.getPurl()).startsWith("pkg:oci/console@sha256%3A");
        SbomSummary summary = SbomSummary.of(bom);
        assertThat(summary.byEcosystem()).containsEntry("deb", 15).containsKey("npm");
        assertThat(bom.getComponents()).filteredOn(c -> c.getName().equals("tar")).singleElement()
                .satisfies(tar -> assertThat(tar.getPurl()).contains("distro=debian-12"));
        Path out = temp.resolve("image.cdx.json");
        SbomFile.write(bom, SbomFormat.JSON, out);
        assertThat(SbomFile.validate(out)).isEmpty();
    }

    @Test
    void aDockerSaveArchiveOfTheSameImageGivesTheSamePackages() throws Exception {
        Path oci = ImageFixture.layout(debianWithNodeApp(), "console:1.4.0").writeDirectory(temp.resolve("oci"));
        Path archive = ImageFixture.dockerSave(debianWithNodeApp(), "console:1.4.0", temp.resolve("console.tar"));

        Bom fromLayout = new SbomGenerator(oci).reproducible(true).call();
        Bom fromArchive = new SbomGenerator(archive).reproducible(true).call();

        assertThat(SbomDiff.between(fromLayout, fromArchive).isEmpty()).isTrue();
        assertThat(fromArchive.getMetadata().getComponent().getName()).isEqualTo("console:1.4.0");
    }

    @Test
    void anUnpinnedRequirementFailsClosedNamingFileAndLine() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Files.writeString(app.resolve("requirements.txt"), "requests==2.32.3\nflask>=3\n");

        assertThatThrownBy(() -> new SbomGenerator(app).call())
                .isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith("requirements.txt:2: ");
    }

    @Test
    void allowIncompleteWritesWhatItCouldAndSaysWhatIsMissing() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Files.writeString(app.resolve("requirements.txt"), "requests==2.32.3\nflask>=3\n");

        Bom bom = new SbomGenerator(app).allowIncomplete(true).call();

        assertThat(bom.getComponents()).extracting(Component::getPurl).containsExactly("pkg:pypi/requests@2.32.3");
        assertThat(bom.getCompositions()).singleElement()
                .satisfies(c -> assertThat(c.getAggregate()).isEqualTo(Composition.Aggregate.INCOMPLETE));
        assertThat(SbomSummary.of(bom).gaps()).singleElement().satisfies(g -> assertThat(g).startsWith("requirements.txt: ").contains("flask"));
    }

    @Test
    void aTreeWithNothingToInventoryIsNotCalledComplete() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("gradle-app"));
        Files.writeString(empty.resolve("build.gradle.kts"), "plugins { java }\n");

        assertThatThrownBy(() -> new SbomGenerator(empty).call())
                .isInstanceOf(SbomInputException.class).hasMessageContaining("gradle-app").hasMessageContaining("nothing to inventory");
        Bom bom = new SbomGenerator(empty).allowIncomplete(true).call();
        assertThat(bom.getCompositions()).singleElement()
                .satisfies(c -> assertThat(c.getAggregate()).isEqualTo(Composition.Aggregate.INCOMPLETE));
    }

    @Test
    void aFileThatIsNeitherATreeNorAnImageIsRefused() throws Exception {
        Path notes = Files.writeString(temp.resolve("notes.txt"), "hello");

        assertThatThrownBy(() -> new SbomGenerator(notes).call())
                .isInstanceOf(SbomInputException.class).hasMessageContaining("notes.txt").hasMessageContaining("neither");
    }

    @Test
    void aRegistryReferenceIsExplainedNotMistakenForAMissingFile() {
        assertThatThrownBy(() -> new SbomGenerator(Path.of("ghcr.io/org/medical-platform:3f2a1c9")).call())
                .isInstanceOf(SbomInputException.class).hasMessageContaining("registry reference").hasMessageContaining("skopeo copy");
    }
}
