package io.jenkins.plugins.securedelivery.sbom.maven;

import static io.jenkins.plugins.securedelivery.sbom.maven.TestRepository.dependency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.sbom.DirectoryTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cyclonedx.model.Component;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenScannerTest {

    private static final String JAR = "?type=jar";

    @TempDir
    Path temp;

    private TestRepository remote;
    private Path localRepository;
    private Path project;
    private final Map<String, String> sha256 = new HashMap<>();
    private final MavenScanner scanner = new MavenScanner();

    /**
     * A remote repository with a parent holding a property and a licence, an imported BOM, a version conflict
     * (nearest wins), an optional dependency of a dependency, and an exclusion; a project using all of them with
     * every scope.
     */
    @BeforeEach
    void writeRepositoryAndProject() throws IOException {
        remote = new TestRepository(Files.createDirectories(temp.resolve("remote")));
        localRepository = temp.resolve("local");
        project = Files.createDirectories(temp.resolve("project"));
        remote.pom("org.acme", "acme-parent", "1", """
                <packaging>pom</packaging>
                <properties><lib.version>2.0</lib.version></properties>
                <licenses><license><name>Acme Licence</name></license></licenses>
                """);
        remote.pom("org.acme", "acme-bom", "1", """
                <packaging>pom</packaging>
                <dependencyManagement><dependencies>%s</dependencies></dependencyManagement>
                """.formatted(dependency("org.acme", "managed", "1.5", "")));
        sha256.put("lib", remote.library("org.acme", "lib", "2.0", """
                <parent><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>1</version></parent>
                <dependencies>%s%s%s</dependencies>
                """.formatted(dependency("org.acme", "shared", "1.0", ""),
                dependency("org.acme", "hidden", "1.0", "<optional>true</optional>"),
                dependency("org.acme", "excluded", "1.0", ""))));
        sha256.put("managed", remote.library("org.acme", "managed", "1.5",
                "<dependencies>" + dependency("org.acme", "deep", "1.0", "") + "</dependencies>"));
        sha256.put("deep", remote.library("org.acme", "deep", "1.0",
                "<dependencies>" + dependency("org.acme", "shared", "2.0", "") + "</dependencies>"));
        sha256.put("shared", remote.library("org.acme", "shared", "1.0", ""));
        remote.library("org.acme", "shared", "2.0", "");
        remote.library("org.acme", "hidden", "1.0", "");
        remote.library("org.acme", "excluded", "1.0", "");
        sha256.put("runtime-lib", remote.library("org.acme", "runtime-lib", "1.0", ""));
        sha256.put("provided-lib", remote.library("org.acme", "provided-lib", "1.0", ""));
        sha256.put("opt", remote.library("org.acme", "opt", "1.0", ""));
        remote.library("org.acme", "test-lib", "1.0",
                "<dependencies>" + dependency("org.acme", "test-only", "1.0", "") + "</dependencies>");
        remote.library("org.acme", "test-only", "1.0", "");
        writeProject("");
    }

    private void writeProject(String extraDependencies) throws IOException {
        Files.writeString(project.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>1</version>
                    <relativePath/>
                  </parent>
                  <artifactId>app</artifactId>
                  <version>1.0.0</version>
                  <repositories>
                    <repository><id>internal</id><url>http://repository.invalid/maven</url></repository>
                  </repositories>
                  <dependencyManagement>
                    <dependencies>
                      %s
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    %s
                    %s
                    %s
                    %s
                    %s
                    %s
                    %s
                  </dependencies>
                </project>
                """.formatted(
                dependency("org.acme", "acme-bom", "1", "<type>pom</type><scope>import</scope>"),
                dependency("org.acme", "lib", "${lib.version}", "<exclusions><exclusion><groupId>org.acme</groupId>"
                        + "<artifactId>excluded</artifactId></exclusion></exclusions>"),
                dependency("org.acme", "managed", null, ""),
                dependency("org.acme", "runtime-lib", "1.0", "<scope>runtime</scope>"),
                dependency("org.acme", "provided-lib", "1.0", "<scope>provided</scope>"),
                dependency("org.acme", "opt", "1.0", "<optional>true</optional>"),
                dependency("org.acme", "test-lib", "1.0", "<scope>test</scope>"),
                extraDependencies));
    }

    private Path settings(String body) throws IOException {
        Path file = temp.resolve("settings.xml");
        Files.writeString(file, "<settings xmlns=\"http://maven.apache.org/SETTINGS/1.0.0\">" + body + "</settings>");
        return file;
    }

    private static String mirror(String id, String url) {
        return "<mirrors><mirror><id>" + id + "</id><mirrorOf>*</mirrorOf><url>" + url + "</url></mirror></mirrors>";
    }

    private Inventory scan(Path settings, boolean allowIncomplete) throws IOException {
        return scan(settings, new ScanContext(allowIncomplete, new ScanContext.MavenSettings(settings, localRepository, false)));
    }

    private Inventory scan(Path settings, ScanContext context) throws IOException {
        DirectoryTree tree = new DirectoryTree(project);
        assertThat(scanner.reads(tree, "pom.xml")).isTrue();
        return scanner.scan(tree, "pom.xml", context);
    }

    private static String ref(String artifactId, String version) {
        return "pkg:maven/org.acme/" + artifactId + "@" + version + JAR;
    }

    private static Map<String, FoundPackage> byRef(Inventory inventory) {
        return inventory.packages().stream().collect(Collectors.toMap(FoundPackage::ref, p -> p));
    }

    @Test
    void resolvesThroughAMirrorRequiringBasicAuthWithTheCredentialsOfTheSettings() throws IOException {
        try (LoopbackServers.Repository server = new LoopbackServers.Repository(remote.root, "deployer", "s3cret")) {
            Path settings = settings(mirror("company", server.url())
                    + "<servers><server><id>company</id><username>deployer</username><password>s3cret</password></server></servers>");

            Inventory inventory = scan(settings, false);

            assertThat(server.served).as("files served to authenticated requests").hasPositiveValue();
            Map<String, FoundPackage> packages = byRef(inventory);
            assertThat(packages.keySet()).containsExactlyInAnyOrder(
                    ref("lib", "2.0"), ref("shared", "1.0"), ref("managed", "1.5"), ref("deep", "1.0"),
                    ref("runtime-lib", "1.0"), ref("provided-lib", "1.0"), ref("opt", "1.0"));
            assertThat(inventory.direct()).containsExactlyInAnyOrder(ref("lib", "2.0"), ref("managed", "1.5"),
                    ref("runtime-lib", "1.0"), ref("provided-lib", "1.0"), ref("opt", "1.0"));
            assertThat(inventory.dependencies()).containsEntry(ref("lib", "2.0"), Set.of(ref("shared", "1.0")))
                    .containsEntry(ref("managed", "1.5"), Set.of(ref("deep", "1.0")))
                    // the conflict loser shared 2.0 is replaced by the winner, as cyclonedx-maven-plugin does
                    .containsEntry(ref("deep", "1.0"), Set.of(ref("shared", "1.0")));
            assertThat(packages.get(ref("opt", "1.0")).scope()).isEqualTo(Component.Scope.OPTIONAL);
            assertThat(packages.get(ref("provided-lib", "1.0")).scope()).isEqualTo(Component.Scope.REQUIRED);
            assertThat(packages.get(ref("lib", "2.0")).licenses()).as("licence inherited from the parent")
                    .containsExactly("Acme Licence");
            assertThat(packages.get(ref("shared", "1.0")).licenses()).isEmpty();
            sha256.forEach((artifactId, hash) -> assertThat(packages.values()).filteredOn(p -> p.purl().getName()
                    .equals(artifactId)).singleElement().satisfies(p -> assertThat(p.hashes()).containsEntry("SHA-256", hash)));
            assertThat(packages.values()).allSatisfy(p -> assertThat(p.foundIn()).isEqualTo("pom.xml"));
        }
    }

    @Test
    void repositoriesOfAnActiveSettingsProfileAreUsedAndAMirrorCanExcludeThem() throws IOException {
        TestRepository partner = new TestRepository(Files.createDirectories(temp.resolve("partner")));
        String extraHash = partner.library("com.partner", "extra", "3.0", "");
        writeProject(dependency("com.partner", "extra", "3.0", ""));
        try (LoopbackServers.Repository company = new LoopbackServers.Repository(remote.root, null, null);
             LoopbackServers.Repository partnerServer = new LoopbackServers.Repository(partner.root, "partner", "p4ss")) {
            Path settings = settings("""
                    <mirrors><mirror><id>company</id><mirrorOf>*,!partner-releases</mirrorOf><url>%s</url></mirror></mirrors>
                    <servers><server><id>partner-releases</id><username>partner</username><password>p4ss</password></server></servers>
                    <profiles><profile><id>partner</id><repositories><repository>
                      <id>partner-releases</id><url>%s</url><snapshots><enabled>false</enabled></snapshots>
                    </repository></repositories></profile></profiles>
                    <activeProfiles><activeProfile>partner</activeProfile></activeProfiles>
                    """.formatted(company.url(), partnerServer.url()));

            Inventory inventory = scan(settings, false);

            assertThat(byRef(inventory)).hasSize(8).hasEntrySatisfying("pkg:maven/com.partner/extra@3.0?type=jar",
                    p -> assertThat(p.hashes()).containsEntry("SHA-256", extraHash));
            assertThat(partnerServer.served).as("the partner repository was not mirrored").hasPositiveValue();
        }
    }

    @Test
    void settingsMayNameTheLocalRepositoryAndPasswordsThroughProperties() throws IOException {
        String password = System.getProperty("user.name");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        Path local = temp.resolve("settings-local").toAbsolutePath();
        assertThat(local.startsWith(tmp)).as("@TempDir lives under java.io.tmpdir").isTrue();
        try (LoopbackServers.Repository server = new LoopbackServers.Repository(remote.root, "deployer", password)) {
            Path settings = settings(mirror("company", server.url())
                    + "<localRepository>${java.io.tmpdir}/" + tmp.relativize(local).toString().replace('\\', '/') + "</localRepository>"
                    + "<servers><server><id>company</id><username>deployer</username><password>${user.name}</password></server></servers>");

            Inventory inventory = scan(settings, new ScanContext(false, new ScanContext.MavenSettings(settings, null, false)));

            assertThat(inventory.packages()).hasSize(7);
            assertThat(server.served).as("the interpolated password was accepted").hasPositiveValue();
            assertThat(local.resolve("org/acme/lib/2.0/lib-2.0.jar")).as("local repository named by the settings").isRegularFile();
        }
    }

    @Test
    void wrongCredentialsFailWithoutShowingThePassword() throws IOException {
        try (LoopbackServers.Repository server = new LoopbackServers.Repository(remote.root, "deployer", "s3cret")) {
            Path settings = settings(mirror("company", server.url())
                    + "<servers><server><id>company</id><username>deployer</username><password>wr0ng-pw</password></server></servers>");

            assertThatThrownBy(() -> scan(settings, false)).isInstanceOf(SbomInputException.class)
                    .hasMessageContaining("org.acme:acme-parent:1").hasMessageContaining("401")
                    .hasMessageNotContaining("wr0ng-pw");
            assertThat(server.refused).hasPositiveValue();
            assertThat(server.served).hasValue(0);
        }
    }

    @Test
    void resolvesThroughAForwardingProxyThatRequiresProxyAuth() throws IOException {
        try (LoopbackServers.Repository server = new LoopbackServers.Repository(remote.root, null, null);
             LoopbackServers.ForwardingProxy proxy = new LoopbackServers.ForwardingProxy("proxyuser", "proxy-pw")) {
            Path settings = settings(mirror("company", server.url()) + """
                    <proxies><proxy><id>corporate</id><active>true</active><protocol>http</protocol>
                    <host>127.0.0.1</host><port>%d</port><username>proxyuser</username><password>proxy-pw</password>
                    </proxy></proxies>""".formatted(proxy.port()));

            Inventory inventory = scan(settings, false);

            assertThat(inventory.packages()).hasSize(7);
            assertThat(server.served).as("poms and jars served").hasValueGreaterThanOrEqualTo(7 * 2);
            assertThat(proxy.forwarded).as("every request went through the proxy").hasValue(server.requests.get());
            assertThat(proxy.challenged).as("the proxy asked for its credentials").hasPositiveValue();
        }
    }

    @Test
    void profilesActiveByDefaultByJdkAndByOsApplyAsInMaven() throws IOException {
        String pom = Files.readString(project.resolve("pom.xml"));
        String byDefault = "<profile><id>by-default</id><activation><activeByDefault>true</activeByDefault></activation>"
                + "<dependencies>" + dependency("org.acme", "hidden", "1.0", "") + "</dependencies></profile>";
        String family = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("windows") ? "windows" : "unix";
        String activated = """
                <profile><id>modern-jdk</id><activation><jdk>[17,)</jdk></activation>
                  <dependencies>%s</dependencies></profile>
                <profile><id>this-os</id><activation><os><family>%s</family></os></activation>
                  <properties><lib.version>2.1</lib.version></properties></profile>
                <profile><id>old-jdk</id><activation><jdk>(,1.8]</jdk></activation>
                  <dependencies>%s</dependencies></profile>
                """.formatted(dependency("org.acme", "excluded", "1.0", ""), family,
                dependency("org.acme", "test-only", "1.0", ""));
        remote.library("org.acme", "lib", "2.1", "");
        Path settings = settings(mirror("company", remote.root.toUri().toString()));

        Files.writeString(project.resolve("pom.xml"), pom.replace("</project>", "<profiles>" + byDefault + "</profiles></project>"));
        assertThat(scan(settings, false).direct()).contains(ref("hidden", "1.0"), ref("lib", "2.0"));

        Files.writeString(project.resolve("pom.xml"), pom.replace("</project>",
                "<profiles>" + byDefault + activated + "</profiles></project>"));
        assertThat(scan(settings, false).direct()).contains(ref("excluded", "1.0"), ref("lib", "2.1"))
                // as in Maven, a profile active by default yields when another profile of the pom is activated
                .doesNotContain(ref("hidden", "1.0"), ref("test-only", "1.0"), ref("lib", "2.0"));
    }

    @Test
    void theProxyIsBypassedForItsNonProxyHostsAndAnInactiveProxyIsIgnored() throws IOException {
        try (LoopbackServers.Repository server = new LoopbackServers.Repository(remote.root, null, null);
             LoopbackServers.ForwardingProxy proxy = new LoopbackServers.ForwardingProxy("proxyuser", "proxy-pw")) {
            String proxies = """
                    <proxies>
                      <proxy><id>off</id><active>false</active><protocol>http</protocol><host>127.0.0.1</host><port>%1$d</port></proxy>
                      <proxy><id>on</id><active>true</active><protocol>http</protocol><host>127.0.0.1</host><port>%1$d</port>
                        <username>proxyuser</username><password>proxy-pw</password><nonProxyHosts>localhost|127.*</nonProxyHosts></proxy>
                    </proxies>""".formatted(proxy.port());
            Path settings = settings(mirror("company", server.url()) + proxies);

            assertThat(scan(settings, false).packages()).hasSize(7);
            assertThat(server.served).hasPositiveValue();
            assertThat(proxy.forwarded.get() + proxy.challenged.get()).as("requests that reached the proxy").isZero();
        }
    }

    @Test
    void anUnresolvableDependencyFailsNamingThePomTheLineAndTheCoordinates() throws IOException {
        writeProject(dependency("org.acme", "missing", "9.9", ""));
        int line = lineOf(project.resolve("pom.xml"), "<artifactId>missing</artifactId>");
        Path settings = settings(mirror("company", remote.root.toUri().toString()));

        assertThatThrownBy(() -> scan(settings, false)).isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith("pom.xml:" + line + ": cannot resolve org.acme:missing:9.9")
                .satisfies(e -> assertThat(((SbomInputException) e).line()).isEqualTo(line));
    }

    @Test
    void allowIncompleteRecordsTheGapAndKeepsWhatResolved() throws IOException {
        writeProject(dependency("org.acme", "missing", "9.9", ""));
        Path settings = settings(mirror("company", remote.root.toUri().toString()));
        ScanContext context = new ScanContext(true, new ScanContext.MavenSettings(settings, localRepository, false));

        Inventory inventory = scan(settings, context);

        assertThat(context.gaps()).singleElement().satisfies(gap -> {
            assertThat(gap.file()).isEqualTo("pom.xml");
            assertThat(gap.reason()).contains("org.acme:missing:9.9");
        });
        assertThat(byRef(inventory)).hasSize(8).containsKey(ref("lib", "2.0"))
                .hasEntrySatisfying(ref("missing", "9.9"), p -> assertThat(p.hashes()).isEmpty());
    }

    @Test
    void anUnresolvableParentFailsNamingIt() throws IOException {
        Files.writeString(project.resolve("pom.xml"), Files.readString(project.resolve("pom.xml"))
                .replace("<artifactId>acme-parent</artifactId><version>1</version>", "<artifactId>acme-parent</artifactId><version>7</version>"));
        Path settings = settings(mirror("company", remote.root.toUri().toString()));

        assertThatThrownBy(() -> scan(settings, false)).isInstanceOf(SbomInputException.class)
                .hasMessageContaining("pom.xml").hasMessageContaining("parent pom")
                .hasMessageContaining("org.acme:acme-parent:7");
    }

    @Test
    void offlineResolvesFromTheLocalRepositoryOnly() throws IOException {
        Path settings = settings(mirror("company", remote.root.toUri().toString()));
        scan(settings, false);
        deleteRecursively(remote.root);

        Inventory offline = scan(settings, new ScanContext(false, new ScanContext.MavenSettings(settings, localRepository, true)));

        assertThat(offline.packages()).hasSize(7);
    }

    @Test
    void offlineWithAnEmptyLocalRepositoryFailsClosed() throws IOException {
        Path settings = settings("<offline>true</offline>");

        assertThatThrownBy(() -> scan(settings, false)).isInstanceOf(SbomInputException.class)
                .hasMessageContaining("org.acme:acme-parent:1").hasMessageContaining("offline");
    }

    @Test
    void aMalformedPomReportsItsLine() throws IOException {
        Files.writeString(project.resolve("pom.xml"), """
                <project>
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.acme</groupId>
                  <artifactId>broken
                </project>
                """);

        assertThatThrownBy(() -> scan(settings(""), false)).isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith("pom.xml:5: the pom is not well-formed");
    }

    @Test
    void aMalformedParentInTheTreeIsReportedByItsPathInTheTree() throws IOException {
        Files.writeString(project.resolve("pom.xml"), "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>org.acme\n</project>\n");
        Files.createDirectories(project.resolve("module"));
        Files.writeString(project.resolve("module/pom.xml"), TestRepository.project("org.acme", "module", "1.0",
                "<parent><groupId>org.acme</groupId><artifactId>root</artifactId><version>1.0</version></parent>"));
        ScanContext context = new ScanContext(false, new ScanContext.MavenSettings(settings(""), localRepository, true));
        DirectoryTree tree = new DirectoryTree(project);

        assertThatThrownBy(() -> scanner.scan(tree, "module/pom.xml", context)).isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith("pom.xml:4: the pom is not well-formed");
    }

    @Test
    void aMissingOrMalformedSettingsFileIsReportedWithItsLine() throws IOException {
        Path missing = temp.resolve("no-such-settings.xml");
        assertThatThrownBy(() -> scan(missing, false)).isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith(missing + ": the Maven settings file does not exist");

        Path malformed = temp.resolve("broken-settings.xml");
        Files.writeString(malformed, "<settings>\n  <mirrors>\n    <mirror>\n  </mirrors>\n</settings>\n");
        assertThatThrownBy(() -> scan(malformed, false)).isInstanceOf(SbomInputException.class)
                .hasMessageStartingWith(malformed + ":4: the Maven settings file is not valid");
    }

    @Test
    void anEncryptedPasswordIsRefusedWithoutShowingIt() throws IOException {
        Path settings = settings(mirror("company", "http://127.0.0.1:9/")
                + "<servers><server><id>company</id><username>u</username><password>{COQLCE6DU6GtcS5P=}</password></server></servers>");

        assertThatThrownBy(() -> scan(settings, false)).isInstanceOf(SbomInputException.class)
                .hasMessageContaining("server company").hasMessageContaining("settings-security")
                .hasMessageNotContaining("COQLCE6DU6GtcS5P");
    }

    @Test
    void modulesOfAReactorResolveTheirSiblingsFromTheTree() throws IOException {
        Files.writeString(project.resolve("pom.xml"), TestRepository.project("org.acme", "reactor", "1.0", """
                <packaging>pom</packaging>
                <modules><module>core</module><module>web</module></modules>
                """));
        String parent = "<parent><groupId>org.acme</groupId><artifactId>reactor</artifactId><version>1.0</version></parent>";
        Files.createDirectories(project.resolve("core"));
        Files.writeString(project.resolve("core/pom.xml"), TestRepository.project("org.acme", "core", "1.0", parent
                + "<dependencies>" + dependency("org.acme", "shared", "1.0", "") + "</dependencies>"));
        Files.createDirectories(project.resolve("web"));
        Files.writeString(project.resolve("web/pom.xml"), TestRepository.project("org.acme", "web", "1.0", parent
                + "<dependencies>" + dependency("org.acme", "core", "${project.version}", "") + "</dependencies>"));
        // Build output and test fixtures are not projects of the tree.
        Files.createDirectories(project.resolve("web/target/classes"));
        Files.writeString(project.resolve("web/target/classes/pom.xml"), "<project/>");
        Files.createDirectories(project.resolve("core/src/test/resources"));
        Files.writeString(project.resolve("core/src/test/resources/pom.xml"), "<project/>");
        Path settings = settings(mirror("company", remote.root.toUri().toString()));
        ScanContext context = new ScanContext(false, new ScanContext.MavenSettings(settings, localRepository, false));
        DirectoryTree tree = new DirectoryTree(project);

        assertThat(tree.files().stream().filter(f -> scanner.reads(tree, f)))
                .containsExactly("core/pom.xml", "pom.xml", "web/pom.xml");
        Inventory root = scanner.scan(tree, "pom.xml", context);
        Inventory web = scanner.scan(tree, "web/pom.xml", context);

        String core = "pkg:maven/org.acme/core@1.0?type=jar";
        String webRef = "pkg:maven/org.acme/web@1.0?type=jar";
        assertThat(root.direct()).containsExactlyInAnyOrder(core, webRef);
        assertThat(web.direct()).containsExactly(webRef);
        assertThat(web.packages()).extracting(FoundPackage::ref)
                .containsExactlyInAnyOrder(webRef, core, ref("shared", "1.0"));
        assertThat(web.dependencies()).containsEntry(webRef, Set.of(core)).containsEntry(core, Set.of(ref("shared", "1.0")));
        assertThat(Files.exists(localRepository.resolve("org/acme/core"))).as("sibling not fetched from a repository").isFalse();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Test
    void ciFriendlyVersionsOfAReactorResolveFromTheTree() throws IOException {
        Files.writeString(project.resolve("pom.xml"), TestRepository.project("org.acme", "reactor", "${revision}${changelist}", """
                <packaging>pom</packaging>
                <properties><revision>2.5</revision><changelist>-SNAPSHOT</changelist></properties>
                <modules><module>core</module><module>web</module></modules>
                """));
        String parent = "<parent><groupId>org.acme</groupId><artifactId>reactor</artifactId>"
                + "<version>${revision}${changelist}</version></parent>";
        Files.createDirectories(project.resolve("core"));
        Files.writeString(project.resolve("core/pom.xml"), TestRepository.project("org.acme", "core", "${revision}${changelist}",
                parent + "<dependencies>" + dependency("org.acme", "shared", "1.0", "") + "</dependencies>"));
        Files.createDirectories(project.resolve("web"));
        Files.writeString(project.resolve("web/pom.xml"), TestRepository.project("org.acme", "web", "${revision}${changelist}",
                parent + "<dependencies>" + dependency("org.acme", "core", "${project.version}", "") + "</dependencies>"));
        Path settings = settings(mirror("company", remote.root.toUri().toString()));
        ScanContext context = new ScanContext(false, new ScanContext.MavenSettings(settings, localRepository, false));
        DirectoryTree tree = new DirectoryTree(project);

        Inventory web = scanner.scan(tree, "web/pom.xml", context);

        assertThat(web.packages()).extracting(FoundPackage::ref).containsExactlyInAnyOrder(
                "pkg:maven/org.acme/web@2.5-SNAPSHOT?type=jar", "pkg:maven/org.acme/core@2.5-SNAPSHOT?type=jar",
                ref("shared", "1.0"));
        assertThat(scanner.scan(tree, "pom.xml", context).direct()).containsExactlyInAnyOrder(
                "pkg:maven/org.acme/web@2.5-SNAPSHOT?type=jar", "pkg:maven/org.acme/core@2.5-SNAPSHOT?type=jar");
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }
}
