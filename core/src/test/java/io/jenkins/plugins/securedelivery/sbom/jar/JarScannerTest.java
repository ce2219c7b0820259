package io.jenkins.plugins.securedelivery.sbom.jar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.packageurl.PackageURL;
import io.jenkins.plugins.securedelivery.sbom.DirectoryTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.image.ContainerImage;
import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.commons.io.IOUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarScannerTest {

    private static final String COMPRESS = "pkg:maven/org.apache.commons/commons-compress@1.28.0?type=jar";

    @TempDir
    Path root;

    private final JarScanner scanner = new JarScanner();

    /** The real jar a class was loaded from (from the local Maven repository). */
    private static Path jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private Inventory scan(String path) throws IOException {
        DirectoryTree tree = new DirectoryTree(root);
        assertThat(scanner.reads(tree, path)).isTrue();
        return scanner.scan(tree, path, new ScanContext(false, ScanContext.MavenSettings.defaults()));
    }

    private static Map<String, FoundPackage> byRef(Inventory inventory) {
        return inventory.packages().stream().collect(Collectors.toMap(FoundPackage::ref, p -> p));
    }

    /** Zips the given entries, then every entry of each jar not yet written (as the shade plugin merges jars). */
    private static byte[] zip(Map<String, byte[]> entries, List<Path> merged) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Set<String> written = new HashSet<>();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                written.add(entry.getKey());
            }
            for (Path jar : merged) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                        if (written.add(entry.getName())) {
                            out.putNextEntry(new ZipEntry(entry.getName()));
                            zip.getInputStream(entry).transferTo(out);
                        }
                    }
                }
            }
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> appMetadata(String license) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("META-INF/MANIFEST.MF", ("Manifest-Version: 1.0\nImplementation-Title: app\n"
                + (license == null ? "" : "Bundle-License: " + license + "\n") + "\n").getBytes(StandardCharsets.UTF_8));
        entries.put("META-INF/maven/com.example/app/pom.properties",
                "groupId=com.example\nartifactId=app\nversion=1.0\n".getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    @Test
    void namesARealJarByItsPomPropertiesWithItsHashAndBundleLicense() throws Exception {
        Path jar = Files.copy(jarOf(org.apache.commons.compress.archivers.zip.ZipFile.class),
                Files.createDirectories(root.resolve("lib")).resolve("commons-compress-1.28.0.jar"));

        Inventory inventory = scan("lib/commons-compress-1.28.0.jar");

        assertThat(inventory.ecosystem()).isEqualTo("jar");
        assertThat(inventory.packages()).extracting(FoundPackage::ref).containsExactly(COMPRESS);
        FoundPackage compress = inventory.packages().get(0);
        assertThat(compress.hashes()).containsExactly(Map.entry("SHA-256", sha256(Files.readAllBytes(jar))));
        assertThat(compress.licenses()).containsExactly("https://www.apache.org/licenses/LICENSE-2.0.txt");
        assertThat(inventory.direct()).containsExactly(COMPRESS);
    }

    @Test
    void findsEveryArtifactShadedIntoAJar() throws Exception {
        byte[] shaded = zip(appMetadata("Apache-2.0;link=\"https://www.apache.org/licenses/LICENSE-2.0\", MIT"),
                List.of(jarOf(org.apache.commons.compress.archivers.zip.ZipFile.class), jarOf(IOUtils.class),
                        jarOf(PackageURL.class)));
        Files.write(root.resolve("app-1.0-all.jar"), shaded);

        Inventory inventory = scan("app-1.0-all.jar");

        Map<String, FoundPackage> packages = byRef(inventory);
        String app = "pkg:maven/com.example/app@1.0?type=jar";
        assertThat(packages).containsKeys(app, COMPRESS);
        assertThat(packages.keySet()).anyMatch(ref -> ref.startsWith("pkg:maven/commons-io/commons-io@"))
                .anyMatch(ref -> ref.startsWith("pkg:maven/com.github.package-url/packageurl-java@"));
        assertThat(packages).hasSize(4);
        assertThat(packages.get(app).hashes()).containsEntry("SHA-256", sha256(shaded));
        assertThat(packages.get(app).licenses()).containsExactly("Apache-2.0", "MIT");
        assertThat(packages.get(COMPRESS).hashes()).as("shaded classes are not the published jar").isEmpty();
        assertThat(inventory.direct()).containsExactly(app);
        assertThat(inventory.dependencies().get(app)).hasSize(3).contains(COMPRESS);
    }

    @Test
    void readsJarsNestedInASpringBootJarIncludingGradleBuiltOnes() throws Exception {
        Path junit = jarOf(Test.class);
        Map<String, byte[]> entries = appMetadata(null);
        byte[] io = Files.readAllBytes(jarOf(IOUtils.class));
        entries.put("BOOT-INF/lib/commons-io.jar", io);
        entries.put("BOOT-INF/lib/" + junit.getFileName(), Files.readAllBytes(junit));
        Files.write(root.resolve("app.jar"), zip(entries, List.of()));

        Inventory inventory = scan("app.jar");

        Map<String, FoundPackage> packages = byRef(inventory);
        String app = "pkg:maven/com.example/app@1.0?type=jar";
        String junitRef = "pkg:generic/junit-jupiter-api@" + Test.class.getPackage().getImplementationVersion();
        assertThat(packages).containsKeys(app, junitRef).hasSize(3);
        assertThat(packages.get(junitRef).hashes()).containsEntry("SHA-256", sha256(Files.readAllBytes(junit)));
        assertThat(packages.get(junitRef).foundIn()).isEqualTo("app.jar!/BOOT-INF/lib/" + junit.getFileName());
        FoundPackage commonsIo = packages.values().stream()
                .filter(p -> p.purl().getName().equals("commons-io")).findFirst().orElseThrow();
        assertThat(commonsIo.hashes()).containsEntry("SHA-256", sha256(io));
        assertThat(inventory.dependencies().get(app)).containsExactlyInAnyOrder(junitRef, commonsIo.ref());
    }

    @Test
    void scansJarsHeldInAContainerImage() throws Exception {
        Path oci = root.resolve("oci");
        byte[] compress = Files.readAllBytes(jarOf(org.apache.commons.compress.archivers.zip.ZipFile.class));
        ImageFixture.layout(new ImageFixture.Image().layer(new ImageFixture.Layer().file("app/lib/compress.jar",
                compress)), null).writeDirectory(oci);

        try (ContainerImage image = ContainerImage.open(oci, ContainerImage.Limits.defaults(), null,
                ContainerImage.heldFor(List.of(scanner)))) {
            assertThat(image.files().files()).containsExactly("app/lib/compress.jar");
            Inventory inventory = scanner.scan(image.files(), "app/lib/compress.jar",
                    new ScanContext(false, ScanContext.MavenSettings.defaults()));
            assertThat(inventory.packages()).extracting(FoundPackage::ref).containsExactly(COMPRESS);
            assertThat(inventory.packages().get(0).hashes()).containsEntry("SHA-256", sha256(compress));
        }
    }

    @Test
    void aJarThatNamesNoArtifactIsAGapNotAGuess() throws Exception {
        Files.write(root.resolve("mystery.jar"), zip(Map.of("com/example/Mystery.class", new byte[] {(byte) 0xca}),
                List.of()));

        assertThatThrownBy(() -> scan("mystery.jar"))
                .isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith("mystery.jar: the archive has no pom.properties");

        ScanContext lenient = new ScanContext(true, ScanContext.MavenSettings.defaults());
        Inventory inventory = scanner.scan(new DirectoryTree(root), "mystery.jar", lenient);
        assertThat(inventory.packages()).isEmpty();
        assertThat(lenient.gaps()).hasSize(1);
    }

    @Test
    void aFileThatIsNotAZipIsAGap() throws Exception {
        Files.writeString(root.resolve("broken.war"), "<html>not a war</html>");

        assertThatThrownBy(() -> scan("broken.war"))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("broken.war: is not a readable zip archive");
    }

    @Test
    void readsNestedArchivesOnlyThreeDeep() throws Exception {
        byte[] jar = Files.readAllBytes(jarOf(IOUtils.class));
        for (int depth = 0; depth < 4; depth++) {
            jar = zip(Map.of("lib/inner.jar", jar), List.of());
        }
        Files.write(root.resolve("outer.jar"), zip(Map.of("META-INF/maven/com.example/app/pom.properties",
                "groupId=com.example\nartifactId=app\nversion=1.0\n".getBytes(StandardCharsets.UTF_8),
                "lib/inner.jar", jar), List.of()));
        ScanContext lenient = new ScanContext(true, ScanContext.MavenSettings.defaults());

        Inventory inventory = scanner.scan(new DirectoryTree(root), "outer.jar", lenient);

        assertThat(lenient.gaps()).anySatisfy(gap -> assertThat(gap.file())
                .isEqualTo("outer.jar!/lib/inner.jar!/lib/inner.jar!/lib/inner.jar!/lib/inner.jar"));
        assertThat(inventory.packages()).extracting(p -> p.purl().getName()).doesNotContain("commons-io");
    }

    @Test
    void ignoresWrappersTestFixturesAndBuildOutputOfSourceTreesButNotOfImages() throws Exception {
        DirectoryTree source = new DirectoryTree(root);
        assertThat(scanner.reads(source, ".mvn/wrapper/maven-wrapper.jar")).isFalse();
        assertThat(scanner.reads(source, "sub/gradle/wrapper/gradle-wrapper.jar")).isFalse();
        assertThat(scanner.reads(source, "core/src/test/resources/fixture.jar")).isFalse();
        assertThat(scanner.reads(source, "app/target/app.WAR")).isFalse();
        assertThat(scanner.reads(source, "lib/vendored.jar")).isTrue();
        assertThat(scanner.reads(source, "app/lib/notes.txt")).isFalse();

        Path oci = ImageFixture.layout(new ImageFixture.Image().layer(new ImageFixture.Layer()
                .file("app/target/app.jar", new byte[1])), null).writeDirectory(root.resolve("oci"));
        try (ContainerImage image = ContainerImage.open(oci, ContainerImage.Limits.defaults())) {
            assertThat(scanner.reads(image.files(), "app/target/app.jar")).isTrue();
            assertThat(scanner.reads(image.files(), "opt/gradle/wrapper/gradle-wrapper.jar")).isFalse();
        }
    }
}
