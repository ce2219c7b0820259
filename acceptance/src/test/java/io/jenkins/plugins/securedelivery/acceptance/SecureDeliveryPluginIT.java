package io.jenkins.plugins.securedelivery.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures;
import io.jenkins.plugins.securedelivery.gitops.JGitHttpServer;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.LocalRegistry;
import io.jenkins.plugins.securedelivery.oci.RegistryStore;
import io.jenkins.plugins.securedelivery.sbom.SbomGenerator;
import io.jenkins.plugins.securedelivery.sbom.SbomSummary;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The plugin in a real Jenkins controller: compiled from the plugin sources against JENKINS_WAR and JENKINS_PLUGINS,
 * installed, and driven over HTTP by Pipeline jobs whose steps reach a real registry (Debian's docker-registry) and
 * a real git server (JGit's smart HTTP, with basic authentication), doing their work on a real inbound agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureDeliveryPluginIT {

    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(120);
    private static final String APP_IMAGE = "ghcr.io/org/medical-platform";
    private static final String ADMIN = "admin";

    private final String adminPassword = randomSecret();
    private final String keyPassword = randomSecret();
    private Path work;
    private PluginPackage plugin;
    private LocalRegistry registry;
    private JGitHttpServer git;
    private Controller controller;
    private Path bare;
    private Path app;
    private String image;
    private String imageDigest;

    @BeforeAll
    void controllerWithOurPlugin() throws Exception {
        String war = System.getenv("JENKINS_WAR");
        String plugins = System.getenv("JENKINS_PLUGINS");
        String skip = "acceptance suite skipped: set JENKINS_WAR=path/to/jenkins.war and JENKINS_PLUGINS=path/to/plugins-dir "
                + "(a controller's .jpi files) to run the plugin in a real controller";
        if (war == null || plugins == null) {
            System.out.println(skip);
        }
        assumeTrue(war != null && plugins != null, skip);

        work = Path.of(System.getProperty("acceptance.work", "target/acceptance")).toAbsolutePath();
        PluginPackage.deleteRecursively(work);
        Files.createDirectories(work);
        Path sources = Path.of(System.getProperty("plugin.sources", "../plugin/src/main")).toAbsolutePath().normalize();
        long compileStart = System.nanoTime();
        plugin = PluginPackage.build(Path.of(war), Path.of(plugins), sources,
                Path.of(System.getProperty("hpi.libraries", "target/hpi-lib")), System.getProperty("plugin.version", "0.1.0-SNAPSHOT"),
                work.resolve("build"), Path.of(System.getProperty("hpi.file", "target/secure-delivery.hpi")).toAbsolutePath());
        System.out.printf("compiled %s in %d ms; Jenkins %s; Plugin-Dependencies %s%n", sources,
                (System.nanoTime() - compileStart) / 1_000_000, plugin.jenkinsVersion(), plugin.dependencies());

        registry = LocalRegistry.plainHttp(Files.createDirectories(work.resolve("registry")));
        image = registry.host() + "/team/app";
        Path imageFiles = Files.createDirectories(work.resolve("image"));
        Files.writeString(imageFiles.resolve("hello.txt"), "hello from the medical platform\n", StandardCharsets.UTF_8);
        Descriptor pushed = new ImageFromFiles(imageFiles).push(new RegistryStore(registry.options()), registry.reference("team/app:1.0"));
        imageDigest = pushed.digest();

        Path repositories = Files.createDirectories(work.resolve("git"));
        bare = GitOpsFixtures.seedBareRepository(repositories.resolve("gitops.git"), List.of(APP_IMAGE));
        git = new JGitHttpServer(repositories);

        app = copyNpmApp(Files.createDirectories(work.resolve("npm-app")));
        Path keys = Files.createDirectories(work.resolve("keys"));
        KeyFiles.GeneratedKeyPair ours = KeyFiles.generate(Files.createDirectories(keys.resolve("ours")), "cosign",
                PasswordSource.of(keyPassword.toCharArray()));
        KeyFiles.GeneratedKeyPair stranger = KeyFiles.generate(Files.createDirectories(keys.resolve("stranger")), "cosign",
                PasswordSource.of(keyPassword.toCharArray()));

        int port = Controller.freePort();
        int agentPort = Controller.freePort();
        String casc = casc(port, agentPort, ours, stranger);
        List<Path> installed = new ArrayList<>();
        PluginPackage.installed(Path.of(plugins)).values().forEach(p -> installed.add(p.file()));
        long startedAt = System.nanoTime();
        controller = Controller.start(Path.of(war), installed, plugin.hpi(), work.resolve("home"), port, casc, ADMIN,
                adminPassword, Duration.ofSeconds(240));
        controller.connectAgent("agent", work.resolve("agent"), Duration.ofSeconds(60));
        System.out.printf("controller %s (pid %d) and its agent ready in %d ms%n", controller.url(), controller.pid(),
                (System.nanoTime() - startedAt) / 1_000_000);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (git != null) {
            git.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void installsThePluginWithTheDependenciesItWasBuiltAgainst() throws Exception {
        // when the controller lists its plugins
        JsonNode plugins = controller.json("pluginManager/api/json?depth=1&tree=plugins[shortName,version,active,enabled]");

        // then ours is active, and every dependency named in its manifest is installed at that version
        Map<String, String> active = new LinkedHashMap<>();
        plugins.path("plugins").forEach(p -> {
            if (p.path("active").asBoolean()) {
                active.put(p.path("shortName").asText(), p.path("version").asText());
            }
        });
        assertThat(active).containsKey(PluginPackage.SHORT_NAME);
        assertThat(active).containsAllEntriesOf(plugin.dependencies());
        assertThat(plugin.dependencies()).containsKeys("jackson2-api", "bouncycastle-api", "snakeyaml-api", "workflow-step-api");
    }

    @Test
    @Order(2)
    void generatesAnSbomAndPromotesTheReleaseByOneGitOpsCommit() throws Exception {
        // given the real npm project of the core tests in the workspace, and the expected summary of its SBOM
        SbomSummary expected = SbomSummary.of(new SbomGenerator(app).call());
        String pin = APP_IMAGE + "=" + image + "@" + imageDigest;
        controller.createPipeline("release", """
                node('agent') {
                  sh "cp -R '%s/.' ."
                  def sbom = generateSbom(path: '.', output: 'bom.json')
                  echo "sbom: ${sbom.components} components, subject ${sbom.subject}, incomplete ${sbom.incomplete}"
                  def commit = promoteOverlay(environment: 'staging', images: ['%s'], approvers: ['alice'])
                  echo "promoted: ${commit}"
                  echo "bom on the agent: ${fileExists('bom.json')}"
                }
                """.formatted(app, pin));

        // when
        Controller.Build build = controller.build("release", BUILD_TIMEOUT);

        // then the build passed, the SBOM was written on the agent with the components of the project
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("sbom: " + expected.components() + " components", "bom on the agent: true");
        JsonNode sbom = build.exported("sboms").get(0);
        assertThat(sbom.path("file").asText()).isEqualTo("bom.json");
        assertThat(sbom.path("components").asInt()).isEqualTo(expected.components());
        assertThat(sbom.path("licenses").asInt()).isEqualTo(expected.licenses().size());

        // and the GitOps repository got one commit, the one the step returned, pinning the image by digest
        RevCommit head = GitOpsFixtures.commits(bare).get(0);
        assertThat(build.console()).contains("promoted: " + head.getName());
        assertThat(head.getFullMessage()).contains(imageDigest, "staging");
        JsonNode promotion = build.exported("promotions").get(0);
        assertThat(promotion.path("environment").asText()).isEqualTo("staging");
        assertThat(promotion.path("commit").asText()).isEqualTo(head.getName());
        assertThat(promotion.path("changed").asBoolean()).isTrue();
        assertThat(promotion.path("images").toString()).contains(imageDigest);
        assertThat(build.console()).doesNotContain(JGitHttpServer.PASSWORD);
    }

    @Test
    @Order(3)
    void signsAttestsAndVerifiesTheImageInTheRegistry() throws Exception {
        // given the image pushed to the registry by tag, a signing profile of the global configuration, and our public key
        controller.createPipeline("sign", """
                node('agent') {
                  def digest = signImage(image: '%1$s:1.0', profile: 'release')
                  generateSbom(path: '%2$s', output: 'bom.json')
                  attestImage(image: "%1$s@${digest}", type: 'cyclonedx', predicate: 'bom.json',
                              credentialsId: 'cosign-key', passwordCredentialsId: 'cosign-password')
                  def verified = verifyImage(image: "%1$s@${digest}", publicKeyCredentialsId: 'cosign-pub',
                                             requireAttestations: ['cyclonedx'])
                  echo "signed ${digest}, verified ${verified.digest}"
                }
                """.formatted(image, app));

        // when
        Controller.Build build = controller.build("sign", BUILD_TIMEOUT);

        // then the tag was resolved to the digest pushed, whose signature and attestation are in the registry
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("signed " + imageDigest + ", verified " + imageDigest);
        String sigTag = imageDigest.replace(':', '-') + ".sig";
        assertThat(registry.requestsLogged()).anyMatch(line -> line.contains("PUT /v2/team/app/manifests/" + sigTag));
        JsonNode signatures = build.exported("signatures");
        assertThat(signatures).hasSize(3);
        assertThat(signatures.get(0).path("kind").asText()).isEqualTo("SIGNED");
        assertThat(signatures.get(0).path("digest").asText()).isEqualTo(imageDigest);
        assertThat(signatures.get(1).path("predicateType").asText()).isEqualTo("https://cyclonedx.org/bom");
        assertThat(signatures.get(2).path("kind").asText()).isEqualTo("VERIFIED");

        // and the key's password reached neither the log, nor the run's JSON, nor build.xml
        assertThat(build.console()).doesNotContain(keyPassword);
        assertThat(build.json().toString()).doesNotContain(keyPassword);
        assertThat(controller.homeFile("jobs/sign/builds/" + build.number() + "/build.xml")).doesNotContain(keyPassword);
    }

    @Test
    @Order(4)
    void failsTheBuildWhenTheImageIsVerifiedAgainstAStrangersKey() throws Exception {
        // given a signed image (test 3 signed it) verified against a key that never signed it
        controller.createPipeline("stranger", """
                node('agent') {
                  signImage(image: '%1$s@%2$s', credentialsId: 'cosign-key', passwordCredentialsId: 'cosign-password')
                  verifyImage(image: '%1$s@%2$s', publicKeyCredentialsId: 'stranger-pub')
                  echo 'promoting anyway'
                }
                """.formatted(image, imageDigest));

        // when
        Controller.Build build = controller.build("stranger", BUILD_TIMEOUT);

        // then verification failed closed and nothing after it ran
        assertThat(build.result()).isEqualTo("FAILURE");
        assertThat(build.console()).contains("verification of " + image + "@" + imageDigest + " FAILED")
                .doesNotContain("promoting anyway");
    }

    @Test
    @Order(5)
    void rollsBackAPromotionAndCountsItInTheDoraMetrics() throws Exception {
        // given two releases promoted to dev one after the other
        String first = APP_IMAGE + "=" + image + "@" + GitOpsFixtures.digest("release 1");
        String second = APP_IMAGE + "=" + image + "@" + GitOpsFixtures.digest("release 2");
        controller.createPipeline("rollback", """
                node('agent') {
                  promoteOverlay(environment: 'dev', images: ['%s'])
                  def bad = promoteOverlay(environment: 'dev', images: ['%s'])
                  def back = rollbackOverlay(environment: 'dev')
                  echo "rolled back ${bad} with ${back}"
                  def dora = doraMetrics(environment: 'dev', since: '3650d')
                  echo "dora: ${dora.deployments} deployments, ${dora.rollbacks} rollbacks"
                }
                """.formatted(first, second));

        // when
        Controller.Build build = controller.build("rollback", BUILD_TIMEOUT);

        // then the rollback is the newest commit and restores the first release's digest
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        List<RevCommit> commits = GitOpsFixtures.commits(bare);
        assertThat(build.console()).contains("rolled back " + commits.get(1).getName() + " with " + commits.get(0).getName());
        assertThat(commits.get(0).getFullMessage()).contains(GitOpsFixtures.digest("release 1"));
        // and DORA counts the two promotions as deployments and the rollback apart (docs/dora.md)
        assertThat(build.console()).contains("dora: 2 deployments, 1 rollbacks");
        JsonNode promotions = build.exported("promotions");
        assertThat(promotions).hasSize(3);
        assertThat(promotions.get(2).path("rollbackOf").asText()).isEqualTo(commits.get(1).getName());
        assertThat(build.exported("metrics").get(0).path("deployments").asInt()).isEqualTo(2);
    }

    @Test
    @Order(6)
    void spendsLittleControllerCpuPerStep() throws Exception {
        // given jobs that call one step N times on the agent, and a job that does the same without the step
        int n = 20;
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put("generateSbom", "generateSbom(path: '%s', output: 'bom-${i}.json')".formatted(app));
        steps.put("signImage", "signImage(image: '%s@%s', credentialsId: 'cosign-key', passwordCredentialsId: 'cosign-password', storage: ['legacy'])"
                .formatted(image, imageDigest));
        steps.put("verifyImage", "verifyImage(image: '%s@%s', publicKeyCredentialsId: 'cosign-pub')".formatted(image, imageDigest));
        steps.put("promoteOverlay", "promoteOverlay(environment: 'prod', images: ['%s=%s@%s'])".formatted(APP_IMAGE, image, imageDigest));
        steps.put("doraMetrics", "doraMetrics(environment: 'prod')");
        controller.createPipeline("cpu-baseline", loop(n, "echo \"step ${i}\""));
        for (Map.Entry<String, String> step : steps.entrySet()) {
            controller.createPipeline("cpu-" + step.getKey(), loop(n, step.getValue() + "\n    echo \"step ${i}\""));
        }
        // Warm every path once so class loading over the agent channel is not counted per step.
        for (String step : steps.keySet()) {
            assertThat(controller.build("cpu-" + step, BUILD_TIMEOUT).result()).isEqualTo("SUCCESS");
        }

        // when each job runs once more, measured
        long baseline = cpuOf("cpu-baseline");
        Map<String, Double> perStep = new LinkedHashMap<>();
        for (String step : steps.keySet()) {
            perStep.put(step, (cpuOf("cpu-" + step) - baseline) / (double) n);
        }

        // then each step costs the controller little CPU: the work ran on the agent
        StringBuilder report = new StringBuilder("controller CPU per step (ms, " + n + " calls, baseline job " + baseline + " ms):");
        perStep.forEach((step, ms) -> report.append(String.format("%n  %-15s %6.1f", step, ms)));
        System.out.println(report);
        Files.writeString(work.resolve("controller-cpu.txt"), report + "\n");
        assertThat(perStep).allSatisfy((step, ms) -> assertThat(ms).as(step).isLessThan(20.0));
    }

    private long cpuOf(String job) throws Exception {
        long before = controller.cpuMillis();
        Controller.Build build = controller.build(job, BUILD_TIMEOUT);
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        return build.cpuMillisAtEnd() - before;
    }

    private static String loop(int n, String body) {
        return """
                node('agent') {
                  for (int i = 0; i < %d; i++) {
                    %s
                  }
                }
                """.formatted(n, body);
    }

    private String casc(int port, int agentPort, KeyFiles.GeneratedKeyPair ours, KeyFiles.GeneratedKeyPair stranger) {
        return """
                jenkins:
                  numExecutors: 0
                  slaveAgentPort: %1$d
                  securityRealm:
                    local:
                      allowsSignup: false
                      users:
                        - id: "%2$s"
                          password: "%3$s"
                  authorizationStrategy:
                    loggedInUsersCanDoAnything:
                      allowAnonymousRead: false
                  nodes:
                    - permanent:
                        name: agent
                        labelString: agent
                        numExecutors: 2
                        remoteFS: "%4$s"
                        launcher:
                          inbound: {}
                unclassified:
                  location:
                    url: "http://127.0.0.1:%5$d/"
                  secureDelivery:
                    environments:
                      - name: dev
                        repository: "%6$s"
                        credentialsId: gitops
                        branch: main
                        overlayPath: deploy/kustomize/overlays/dev
                      - name: staging
                        repository: "%6$s"
                        credentialsId: gitops
                        branch: main
                        overlayPath: deploy/kustomize/overlays/staging
                      - name: prod
                        repository: "%6$s"
                        credentialsId: gitops
                        branch: main
                        overlayPath: deploy/kustomize/overlays/prod
                    registries:
                      - host: "%7$s"
                        plainHttp: true
                    signingProfiles:
                      - name: release
                        keyCredentialsId: cosign-key
                        passwordCredentialsId: cosign-password
                credentials:
                  system:
                    domainCredentials:
                      - credentials:
                          - usernamePassword:
                              scope: GLOBAL
                              id: gitops
                              username: "%8$s"
                              password: "%9$s"
                          - file:
                              scope: GLOBAL
                              id: cosign-key
                              fileName: cosign.key
                              secretBytes: "${readFileBase64:%10$s}"
                          - string:
                              scope: GLOBAL
                              id: cosign-password
                              secret: "%11$s"
                          - file:
                              scope: GLOBAL
                              id: cosign-pub
                              fileName: cosign.pub
                              secretBytes: "${readFileBase64:%12$s}"
                          - file:
                              scope: GLOBAL
                              id: stranger-pub
                              fileName: cosign.pub
                              secretBytes: "${readFileBase64:%13$s}"
                """.formatted(agentPort, ADMIN, adminPassword, work.resolve("agent"), port, git.url("gitops.git"),
                registry.host(), JGitHttpServer.USER, JGitHttpServer.PASSWORD, ours.privateKeyFile(), keyPassword,
                ours.publicKeyFile(), stranger.publicKeyFile());
    }

    /** The npm project of the core SBOM tests (a real package-lock.json), copied out of the core test jar. */
    private static Path copyNpmApp(Path directory) throws IOException {
        for (String name : List.of("package.json", "package-lock.json")) {
            try (InputStream in = SecureDeliveryPluginIT.class.getResourceAsStream("/sbom/npm/app/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("sbom/npm/app/" + name + " is not on the test class path: build core's test jar first");
                }
                Files.copy(in, directory.resolve(name));
            }
        }
        return directory;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
