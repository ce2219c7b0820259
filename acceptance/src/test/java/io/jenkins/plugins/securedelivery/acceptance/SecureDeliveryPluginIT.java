package io.jenkins.plugins.securedelivery.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.securedelivery.evidence.EvidenceBundle;
import io.jenkins.plugins.securedelivery.evidence.EvidenceManifest;
import io.jenkins.plugins.securedelivery.evidence.EvidenceReport;
import io.jenkins.plugins.securedelivery.evidence.EvidenceStore;
import io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures;
import io.jenkins.plugins.securedelivery.gitops.JGitHttpServer;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
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
    /** A gate policy that needs only test results and coverage: the other rules are judged only when a report is there. */
    private static final String TESTS_AND_COVERAGE_ONLY = """
            vulnerabilities: {required: false}
            licenses: {required: false}
            secrets: {required: false}
            sast: {required: false}
            """;

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
    private KeyFiles.GeneratedKeyPair ours;
    private final String sshPassphrase = randomSecret();
    private Path sshBare;
    private Repository sshServed;
    private SshTestGitServer sshGit;
    private int sshPort;
    private Path sshKey;
    private String sshHostKey;

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
        plugin = PluginPackage.build(Path.of(war), Path.of(plugins), sources, work.resolve("build"), Path.of(System.getProperty("hpi.file", "target/secure-delivery.hpi")).toAbsolutePath());
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

        // A second GitOps repository behind JGit's SSH server, reached with a passphrase-protected key.
        Path ssh = Files.createDirectories(work.resolve("ssh"));
        sshBare = GitOpsFixtures.seedBareRepository(ssh.resolve("gitops.git"), List.of(APP_IMAGE));
        sshKey = sshKeyPair(ssh, "user_key", sshPassphrase);
        Path hostKey = sshKeyPair(ssh, "host_key", "");
        sshServed = FileRepositoryBuilder.create(sshBare.toFile());
        sshGit = new SshTestGitServer("git", ssh.resolve("user_key.pub"), sshServed, Files.readAllBytes(hostKey));
        sshPort = sshGit.start();
        String[] host = Files.readString(ssh.resolve("host_key.pub")).trim().split(" ");
        sshHostKey = "[127.0.0.1]:" + sshPort + " " + host[0] + " " + host[1];

        app = copyNpmApp(Files.createDirectories(work.resolve("npm-app")));
        Path keys = Files.createDirectories(work.resolve("keys"));
        ours = KeyFiles.generate(Files.createDirectories(keys.resolve("ours")), "cosign",
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
        if (sshGit != null) {
            sshGit.stop();
            sshServed.close();
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

        // and the run records the failed verification as failed, on the run page and at api/json, never as verified
        JsonNode signatures = build.exported("signatures");
        assertThat(signatures).hasSize(2);
        assertThat(signatures.get(1).path("kind").asText()).isEqualTo("VERIFICATION_FAILED");
        assertThat(signatures.get(1).path("predicateType").isNull()).isTrue();
        assertThat(controller.get("job/stranger/" + build.number() + "/")).contains("Verification FAILED")
                .doesNotContain("Verified " + image);
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
        // and the run page shows the figures rounded, as the text output prints them, not as raw doubles and ISO durations
        assertThat(controller.get("job/rollback/" + build.number() + "/"))
                .containsPattern("DORA metrics of dev from \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00Z to ")
                .containsPattern("2 deployments \\(\\d+\\.\\d\\d a week\\)")
                .containsPattern("change failure rate \\d+\\.\\d%");
    }

    @Test
    @Order(6)
    void promotesOverSshWithAPassphraseProtectedKey() throws Exception {
        // given an environment whose GitOps repository is reached by SSH with a key credential that has a passphrase
        String pin = APP_IMAGE + "=" + image + "@" + imageDigest;
        controller.createPipeline("ssh-promote", """
                node('agent') {
                  def commit = promoteOverlay(environment: 'ssh-prod', images: ['%s'])
                  echo "promoted over ssh: ${commit}"
                }
                """.formatted(pin));

        // when
        Controller.Build build = controller.build("ssh-promote", BUILD_TIMEOUT);

        // then the key was unlocked on the agent and the promotion is the new head of the repository behind SSH
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        RevCommit head = GitOpsFixtures.commits(sshBare).get(0);
        assertThat(build.console()).contains("promoted over ssh: " + head.getName());
        assertThat(head.getFullMessage()).contains(imageDigest);
        // and the passphrase reached neither the log nor build.xml
        assertThat(build.console()).doesNotContain(sshPassphrase);
        assertThat(controller.homeFile("jobs/ssh-promote/builds/" + build.number() + "/build.xml")).doesNotContain(sshPassphrase);
    }

    @Test
    @Order(7)
    void passesTheGateOnRealReportsAndKeepsItsVerdictInASignedEvidenceBundle() throws Exception {
        // given the passing surefire and JaCoCo reports of a real Maven build, and a policy file in the workspace that
        // needs only tests and coverage
        Path reports = reports("passing", "surefire/TEST-example.PriceTest-passing.xml", "jacoco/jacoco-passing-build.xml");
        controller.createPipeline("gate-pass", """
                node('agent') {
                  sh "mkdir -p reports && cp -R '%1$s/.' reports"
                  writeFile file: 'gate-policy.yaml', text: '''%2$s'''
                  def gate = qualityGate(reports: ['reports'], policy: 'gate-policy.yaml', environment: 'staging')
                  echo "gate passed: ${gate.passed}, failed: ${gate.failed}, first rule: ${gate.rules[0].rule} ${gate.rules[0].status}"
                  def evidence = evidenceBundle(image: '%3$s@%4$s', files: ['reports/*.xml'], gates: ['gate-verdict.json'],
                                                profile: 'release', publicKeyCredentialsId: 'cosign-pub', push: true)
                  echo "evidence: ${evidence.bundle} ${evidence.sha256} of ${evidence.files} files, pushed to ${evidence.pushedTo}"
                }
                """.formatted(reports, TESTS_AND_COVERAGE_ONLY, image, imageDigest));

        // when
        Controller.Build build = controller.build("gate-pass", BUILD_TIMEOUT);

        // then the gate passed on the tests and the coverage, and said so in the log, the return value and api/json
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("Quality gate PASSED for staging", "gate passed: true, failed: [], first rule: tests PASS");
        JsonNode gate = build.exported("gates").get(0);
        assertThat(gate.path("passed").asBoolean()).isTrue();
        assertThat(gate.path("policy").asText()).isEqualTo("gate-policy.yaml");
        assertThat(statuses(gate)).containsEntry("tests", "PASS").containsEntry("coverage", "PASS").containsEntry("secrets", "NOT_CHECKED");
        Path workspace = work.resolve("agent/workspace/gate-pass");
        assertThat(workspace.resolve("gate-verdict.json")).content().contains("\"passed\" : true");
        assertThat(workspace.resolve("gate-verdict.junit.xml")).content().contains("<testcase", "name=\"coverage\"");

        // and the evidence bundle, archived with the run, verifies with core against our public key and holds the verdict
        JsonNode evidence = build.exported("bundles").get(0);
        assertThat(evidence.path("artifact").asText()).isEqualTo("evidence.zip");
        byte[] bundle = controller.bytes("job/gate-pass/" + build.number() + "/artifact/evidence.zip");
        assertThat(evidence.path("sha256").asText()).isEqualTo("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bundle)));
        EvidenceReport report = EvidenceBundle.verify("evidence.zip", bundle, KeyFiles.readVerificationKey(ours.publicKeyFile()),
                ImageReference.parse(image + "@" + imageDigest));
        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.manifest().gates()).containsExactly("gate-verdict.json");
        assertThat(report.manifest().files()).extracting(EvidenceManifest.FileEntry::name)
                .contains("reports/TEST-example.PriceTest-passing.xml", "reports/jacoco-passing-build.xml");
        assertThat(report.manifest().runUrl()).isEqualTo(controller.url() + "job/gate-pass/" + build.number() + "/");

        // and it was pushed as an artifact referring to the image, which core finds in the registry
        List<Descriptor> stored = new EvidenceStore(new RegistryStore(registry.options())).list(ImageReference.parse(image + "@" + imageDigest));
        assertThat(stored).hasSize(1);
        assertThat(build.console()).contains("pushed to " + image + "@" + stored.get(0).digest()).doesNotContain(keyPassword);
        assertThat(controller.homeFile("jobs/gate-pass/builds/" + build.number() + "/build.xml")).doesNotContain(keyPassword);
    }

    @Test
    @Order(8)
    void marksTheBuildUnstableWhenAReportingGateFails() throws Exception {
        // given the failing build's reports: one test failed, 4 of 6 lines covered
        Path reports = reports("failing", "surefire/TEST-example.PriceTest-failing.xml", "jacoco/jacoco-failing-build.xml");
        controller.createPipeline("gate-unstable", """
                node('agent') {
                  sh "mkdir -p reports && cp -R '%1$s/.' reports"
                  writeFile file: 'gate-policy.yaml', text: '''%2$s'''
                  def gate = qualityGate(reports: ['reports'], policy: 'gate-policy.yaml', unstableOnFailure: true)
                  echo "after the gate: passed ${gate.passed}, failed ${gate.failed}"
                }
                """.formatted(reports, TESTS_AND_COVERAGE_ONLY));

        // when
        Controller.Build build = controller.build("gate-unstable", BUILD_TIMEOUT);

        // then the build is UNSTABLE, the Pipeline went on, and the verdict names both broken rules
        assertThat(build.result()).as(build.console()).isEqualTo("UNSTABLE");
        assertThat(build.console()).contains("Quality gate FAILED", "after the gate: passed false, failed [tests, coverage]");
        JsonNode gate = build.exported("gates").get(0);
        assertThat(gate.path("passed").asBoolean()).isFalse();
        assertThat(statuses(gate)).containsEntry("tests", "FAIL").containsEntry("coverage", "FAIL");
    }

    @Test
    @Order(9)
    void failsTheBuildWhenTheEnvironmentsOwnPolicyIsNotMet() throws Exception {
        // given passing reports (83.3% line coverage) judged for prod, whose policy in the global configuration needs 90%
        Path reports = reports("for-prod", "surefire/TEST-example.PriceTest-passing.xml", "jacoco/jacoco-passing-build.xml");
        controller.createPipeline("gate-prod", """
                node('agent') {
                  sh "mkdir -p reports && cp -R '%s/.' reports"
                  qualityGate(reports: ['reports'], environment: 'prod')
                  echo 'promoting anyway'
                }
                """.formatted(reports));

        // when
        Controller.Build build = controller.build("gate-prod", BUILD_TIMEOUT);

        // then the build FAILED on the coverage rule and nothing after the gate ran
        assertThat(build.result()).as(build.console()).isEqualTo("FAILURE");
        assertThat(build.console()).contains("quality gate FAILED for prod: coverage").doesNotContain("promoting anyway");
        JsonNode gate = build.exported("gates").get(0);
        assertThat(gate.path("policy").asText()).contains("environment prod");
        assertThat(statuses(gate)).containsEntry("tests", "PASS").containsEntry("coverage", "FAIL");
    }

    @Test
    @Order(9)
    void refusesAMisspeltEnvironmentAndAMissingReportDirectoryInsteadOfJudgingWithoutThem() throws Exception {
        // given reports that pass the defaults but not prod's own policy, a gate for 'prdo' (a typo of prod), and a
        // report directory the build never wrote
        Path reports = reports("typos", "surefire/TEST-example.PriceTest-passing.xml", "jacoco/jacoco-passing-build.xml");
        controller.createPipeline("gate-typos", """
                node('agent') {
                  sh "mkdir -p reports && cp -R '%s/.' reports"
                  try { qualityGate(reports: ['reports'], environment: 'prdo') } catch (e) { echo "misspelt: ${e.message}" }
                  try { qualityGate(reports: ['reports', 'scans']) } catch (e) { echo "missing: ${e.message}" }
                  echo "verdict written: ${fileExists('gate-verdict.json')}"
                }
                """.formatted(reports));

        // when
        Controller.Build build = controller.build("gate-typos", BUILD_TIMEOUT);

        // then neither gate judged anything: each failed naming what to fix, and no verdict was written or recorded
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console())
                .contains("misspelt: qualityGate: environment 'prdo' is not in the global configuration")
                .contains("missing: qualityGate: reports: 'scans' does not exist in the workspace")
                .contains("verdict written: false")
                .doesNotContain("Quality gate PASSED").doesNotContain("NoSuchFileException");
        assertThat(build.json().path("actions").toString()).doesNotContain("\"gates\"");
    }

    @Test
    @Order(9)
    void takesOneStringWhereAListIsExpectedAndNamesAWrongTypeOrAnUnknownParameter() throws Exception {
        // given steps that take lists, each given one string (a Groovy string, as the Jenkinsfile makes it, for the
        // images), then arguments of the wrong type and a misspelt parameter
        Path reports = reports("one-string", "surefire/TEST-example.PriceTest-passing.xml", "jacoco/jacoco-passing-build.xml");
        String digest = "sha256:" + "c".repeat(64);
        controller.createPipeline("one-string", """
                node('agent') {
                  sh "mkdir -p reports && cp -R '%1$s/.' reports"
                  writeFile file: 'gate-policy.yaml', text: '''%2$s'''
                  def gate = qualityGate(reports: 'reports', policy: 'gate-policy.yaml')
                  echo "gate on one string: passed ${gate.passed}"
                  def verified = verifyImage(image: '%3$s@%4$s', publicKeyCredentialsId: 'cosign-pub', requireAttestations: 'cyclonedx')
                  echo "verified with one string: ${verified.digest}"
                  try { verifyImage(image: '%3$s@%4$s', publicKeyCredentialsId: 'cosign-pub', requireAttestations: 'spdx') } catch (e) { echo "spdx: ${e.message}" }
                  def registry = '%3$s'
                  def commit = promoteOverlay(environment: 'staging', images: "%5$s=${registry}@%6$s")
                  echo "promoted one string: ${commit}"
                  try { qualityGate(reports: 5) } catch (e) { echo "number: ${e.message}" }
                  try { qualityGate(reports: ['reports', 7]) } catch (e) { echo "item: ${e.message}" }
                  try { qualityGate(reports: 'reports', unstableOnFailure: 'yes') } catch (e) { echo "yes: ${e.message}" }
                  try { verifyImage(image: '%3$s@%4$s', publicKeyCredentialsId: 'cosign-pub', requireAtestations: 'spdx') } catch (e) { echo "typo: ${e.message}" }
                }
                """.formatted(reports, TESTS_AND_COVERAGE_ONLY, image, imageDigest, APP_IMAGE, digest));

        // when
        Controller.Build build = controller.build("one-string", BUILD_TIMEOUT);

        // then each string was a list of one: the gate judged the reports, the attestation was required and found, and
        // the release was promoted by one commit pinning the digest
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        RevCommit head = GitOpsFixtures.commits(bare).get(0);
        assertThat(build.console()).contains("gate on one string: passed true", "verified with one string: " + imageDigest,
                "promoted one string: " + head.getName());
        assertThat(build.console()).containsPattern("spdx: verification of \\S+ FAILED: .*required attestation \\S*spdx\\S* is missing");
        assertThat(head.getFullMessage()).contains(digest, "staging");
        // and every other wrong argument failed before the step ran, naming the parameter and what it takes
        assertThat(build.console())
                .contains("number: qualityGate: reports takes a list of strings (or one string), not a number")
                .contains("item: qualityGate: reports[1] takes a string, not a number")
                .contains("yes: qualityGate: unstableOnFailure takes true or false, not a string")
                .contains("typo: verifyImage has no parameter 'requireAtestations': its parameters are")
                .doesNotContain("Could not instantiate");
        assertThat(build.exported("gates")).hasSize(1);
    }

    @Test
    @Order(9)
    void saysACredentialIsOfTheWrongKindInsteadOfNotFound() throws Exception {
        // given a signing key named by the id of the git username and password, and one named by an id nobody stored
        controller.createPipeline("wrong-kind", """
                node('agent') {
                  try { signImage(image: '%1$s@%2$s', credentialsId: 'gitops') } catch (e) { echo "wrong kind: ${e.message}" }
                  try { signImage(image: '%1$s@%2$s', credentialsId: 'nobody-stored-this') } catch (e) { echo "missing: ${e.message}" }
                  try { verifyImage(image: '%1$s@%2$s', publicKeyCredentialsId: 'cosign-password') } catch (e) { echo "text: ${e.message}" }
                }
                """.formatted(image, imageDigest));

        // when
        Controller.Build build = controller.build("wrong-kind", BUILD_TIMEOUT);

        // then the kind found and the kind needed are named as the credentials page names them; not found stays not found
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console())
                .contains("wrong kind: credentials 'gitops' (signing key) are a Username with password credential, "
                        + "but the signing key must be a Secret file credential")
                .contains("missing: credentials 'nobody-stored-this' (signing key) were not found for wrong-kind: add a Secret file credential with that id")
                .contains("text: credentials 'cosign-password' (public key) are a Secret text credential, "
                        + "but the public key must be a Secret file credential");
        // and no secret of the credential found was shown
        assertThat(build.console()).doesNotContain(JGitHttpServer.PASSWORD).doesNotContain(keyPassword);
        assertThat(build.json().path("actions").toString()).doesNotContain("\"signatures\"");
    }

    @Test
    @Order(9)
    void namesAnOverlayWithoutKustomizationInTheRepositoryNotInTheAgentsTemporaryCheckout() throws Exception {
        // given an overlay path that is a directory of the GitOps repository without a kustomization
        String before = GitOpsFixtures.commits(bare).get(0).getName();
        controller.createPipeline("no-kustomization", """
                node('agent') {
                  promoteOverlay(environment: 'staging', overlayPath: 'deploy/kustomize', images: ['%s=%s@%s'])
                }
                """.formatted(APP_IMAGE, image, imageDigest));

        // when
        Controller.Build build = controller.build("no-kustomization", BUILD_TIMEOUT);

        // then the message names the repository's URL and the path in it, and what to do; not the clone on the agent
        assertThat(build.result()).isEqualTo("FAILURE");
        assertThat(build.console())
                .contains(git.url("gitops.git") + " deploy/kustomize: has no kustomization file. An overlay needs one of "
                        + "kustomization.yaml, kustomization.yml, Kustomization: add one to it")
                .doesNotContain("/gitops-").doesNotContain(System.getProperty("java.io.tmpdir") + "/")
                .doesNotContain(JGitHttpServer.PASSWORD);
        assertThat(GitOpsFixtures.commits(bare).get(0).getName()).isEqualTo(before);
    }

    @Test
    @Order(9)
    void judgesTheFreshWorkspaceOfADeclarativeStageInsteadOfCallingItMissing() throws Exception {
        // given a declarative stage whose agent allocated a workspace nothing has written to yet
        controller.createPipeline("fresh-workspace", """
                pipeline {
                  agent none
                  stages {
                    stage('Gate') {
                      agent { label 'agent' }
                      steps {
                        qualityGate(reports: ['.'], unstableOnFailure: true)
                      }
                    }
                  }
                }
                """);

        // when
        Controller.Build build = controller.build("fresh-workspace", BUILD_TIMEOUT);

        // then the gate judged the empty workspace, failing closed on the missing reports, instead of refusing '.'
        assertThat(build.result()).as(build.console()).isEqualTo("UNSTABLE");
        assertThat(build.console()).contains("Quality gate FAILED").doesNotContain("does not exist in the workspace");
        assertThat(statuses(build.exported("gates").get(0))).containsEntry("tests", "FAIL");
    }

    @Test
    @Order(11)
    void savesTheGlobalConfigurationWithAListEmptiedOnThePage() throws Exception {
        // given the configuration page submitted with its only signing profile deleted: the form then has no
        // signingProfiles at all, as Jenkins' repeatable lists send nothing when empty
        String script = """
                import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration
                import net.sf.json.JSONObject
                def config = SecureDeliveryConfiguration.get()
                def before = config.signingProfiles
                def form = JSONObject.fromObject([environments: config.environments.collect {
                        [name: it.name, repository: it.repository, credentialsId: it.credentialsId, branch: it.branch,
                         overlayPath: it.overlayPath, knownHosts: it.knownHosts, gatePolicy: it.gatePolicy]
                            .findAll { key, value -> value != null } },
                    registries: config.registries.collect { [host: it.host, plainHttp: it.plainHttp] }])
                config.configure(org.kohsuke.stapler.Stapler.getCurrentRequest2(), form)
                println "profiles after saving: ${config.signingProfiles.size()}"
                println "environments after saving: ${config.environments*.name}"
                config.signingProfiles = before
                println "profiles restored: ${config.signingProfiles*.name}"
                """;

        // when the page is saved
        String answer = controller.post("scriptText", "application/x-www-form-urlencoded",
                "script=" + java.net.URLEncoder.encode(script, StandardCharsets.UTF_8)).body();

        // then the deleted profile is gone, and what the form held is kept
        assertThat(answer).contains("profiles after saving: 0", "environments after saving: [dev, staging, prod, ssh-prod]",
                "profiles restored: [release]");
    }

    @Test
    @Order(12)
    void refusesAMisspeltApprovalPolicyWhenTheConfigurationIsSavedNotWhenAReleaseWaitsOnIt() throws Exception {
        // given an approval policy with a misspelt field, and environments without a repository or with one name twice
        String check = "descriptorByName/io.jenkins.plugins.securedelivery.plugin.config.Environment/checkApprovalPolicy";
        String form = "name=qa&value=" + java.net.URLEncoder.encode("groups: [cab]\nrequried: 2\nexpiresAfter: 1h", StandardCharsets.UTF_8);
        String script = """
                import io.jenkins.plugins.securedelivery.plugin.config.*
                def config = SecureDeliveryConfiguration.get()
                def broken = new Environment('qa', 'https://git.example.com/org/gitops.git')
                broken.approvalPolicy = 'groups: [cab]\\nrequried: 2\\nexpiresAfter: 1h'
                [[broken], [new Environment('qa', null)],
                 [new Environment('qa', 'https://a.example.com/g.git'), new Environment('qa', 'https://b.example.com/g.git')]].each { list ->
                    try { config.environments = list; println 'accepted' } catch (IllegalArgumentException e) { println "refused: ${e.message}" }
                }
                println "environments kept: ${config.environments*.name}"
                """;

        // when the page checks the field, and JCasC or the page sets the environments
        String checked = controller.post(check, "application/x-www-form-urlencoded", form).body();
        String answer = controller.post("scriptText", "application/x-www-form-urlencoded",
                "script=" + java.net.URLEncoder.encode(script, StandardCharsets.UTF_8)).body();

        // then each is refused naming the environment and the field, and the configuration is left as it was
        assertThat(checked).contains("approvalPolicy of environment &#039;qa&#039;: environments.qa.requried: is not a known field");
        assertThat(answer).contains("refused: secureDelivery.environments: approvalPolicy of environment 'qa': environments.qa.requried: is not a known field",
                "refused: secureDelivery.environments: environment 'qa' has no repository",
                "refused: secureDelivery.environments: environment 'qa' is configured twice",
                "environments kept: [dev, staging, prod, ssh-prod]").doesNotContain("accepted");
    }

    @Test
    @Order(10)
    void measuresTheControllerCpuOfEachStep() throws Exception {
        // A measurement, not a check: the target (under 20 ms per step) is judged by bench/plugin-cpu.sh, which runs this
        // test and prints each step beside the built-in fileExists step; timed assertions do not belong in tests.
        // given jobs that call one step N times on the agent, and a job that does the same without the step
        int n = 20;
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put("generateSbom", "generateSbom(path: '%s', output: 'bom-${i}.json')".formatted(app));
        steps.put("signImage", "signImage(image: '%s@%s', credentialsId: 'cosign-key', passwordCredentialsId: 'cosign-password', storage: ['legacy'])"
                .formatted(image, imageDigest));
        steps.put("verifyImage", "verifyImage(image: '%s@%s', publicKeyCredentialsId: 'cosign-pub')".formatted(image, imageDigest));
        steps.put("promoteOverlay", "promoteOverlay(environment: 'prod', images: ['%s=%s@%s'])".formatted(APP_IMAGE, image, imageDigest));
        steps.put("doraMetrics", "doraMetrics(environment: 'prod')");
        Path policy = Files.writeString(work.resolve("gate-policy.yaml"), TESTS_AND_COVERAGE_ONLY);
        Path passing = reports("for-cpu", "surefire/TEST-example.PriceTest-passing.xml", "jacoco/jacoco-passing-build.xml");
        steps.put("qualityGate", "qualityGate(reports: ['%s'], policy: '%s')".formatted(passing, policy));
        steps.put("evidenceBundle", "evidenceBundle(image: '%s@%s', files: ['report.txt'], credentialsId: 'cosign-key', passwordCredentialsId: 'cosign-password')"
                .formatted(image, imageDigest));
        // The same without archiving, to tell the plugin's share from Jenkins' artifact manager's.
        steps.put("evidenceBundle-unarchived", "evidenceBundle(image: '%s@%s', files: ['report.txt'], credentialsId: 'cosign-key', passwordCredentialsId: 'cosign-password', archive: false)"
                .formatted(image, imageDigest));
        // For reference, not asserted: a step of workflow-basic-steps that makes one call to the agent, i.e. what any
        // step that works on the agent costs the controller in Pipeline's own bookkeeping; and Jenkins' own archiving
        // of one small file, which evidenceBundle does once more after its own work.
        steps.put("fileExists", "fileExists('report.txt')");
        steps.put("archiveArtifacts", "archiveArtifacts(artifacts: 'report.txt')");
        // The bundle needs a file of the workspace; written once before the loop, so the baseline does not write it.
        String writeReport = "writeFile file: 'report.txt', text: 'evidence'";
        Map<String, String> setup = Map.of("evidenceBundle", writeReport, "evidenceBundle-unarchived", writeReport,
                "fileExists", writeReport, "archiveArtifacts", writeReport);
        controller.createPipeline("cpu-baseline", loop(n, "", "echo \"step ${i}\""));
        for (Map.Entry<String, String> step : steps.entrySet()) {
            controller.createPipeline("cpu-" + step.getKey(),
                    loop(n, setup.getOrDefault(step.getKey(), ""), step.getValue() + "\n    echo \"step ${i}\""));
        }
        // Warm every path once so class loading over the agent channel is not counted per step.
        for (String step : steps.keySet()) {
            assertThat(controller.build("cpu-" + step, BUILD_TIMEOUT).result()).isEqualTo("SUCCESS");
        }

        // when each job runs once more, measured
        // Three rounds, the lower figure of each job kept: JIT compilation, GC and timers of the controller land in one
        // run or another, and on a shared machine one figure alone is off by ±10 ms per step.
        Map<String, Long> measured = new LinkedHashMap<>();
        long baseline = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            baseline = Math.min(baseline, cpuOf("cpu-baseline"));
            for (String step : steps.keySet()) {
                measured.merge(step, cpuOf("cpu-" + step), Math::min);
            }
        }
        long floor = baseline;
        Map<String, Double> perStep = new LinkedHashMap<>();
        measured.forEach((step, cpu) -> perStep.put(step, (cpu - floor) / (double) n));

        // then the figures are reported (bench/plugin-cpu.sh prints them against the target and fileExists)
        StringBuilder report = new StringBuilder("controller CPU per step (ms, " + n + " calls, baseline job " + baseline + " ms):");
        perStep.forEach((step, ms) -> report.append(String.format("%n  %-26s %6.1f", step, ms)));
        System.out.println(report);
        Files.writeString(work.resolve("controller-cpu.txt"), report + "\n");
        assertThat(perStep).hasSize(steps.size()).allSatisfy((step, ms) -> assertThat(ms).as(step).isFinite());
    }

    /** Report fixtures of core's gate tests (real tool output, see core's gates/README.md), copied into a directory. */
    private Path reports(String name, String... resources) throws IOException {
        Path directory = Files.createDirectories(work.resolve("reports").resolve(name));
        for (String resource : resources) {
            try (InputStream in = SecureDeliveryPluginIT.class.getResourceAsStream("/gates/" + resource)) {
                if (in == null) {
                    throw new IllegalStateException("gates/" + resource + " is not on the test class path: build core's test jar first");
                }
                Files.copy(in, directory.resolve(Path.of(resource).getFileName()));
            }
        }
        return directory;
    }

    private static Map<String, String> statuses(JsonNode gate) {
        Map<String, String> statuses = new LinkedHashMap<>();
        gate.path("rules").forEach(rule -> statuses.put(rule.path("rule").asText(), rule.path("status").asText()));
        return statuses;
    }

    private long cpuOf(String job) throws Exception {
        long before = controller.cpuMillis();
        Controller.Build build = controller.build(job, BUILD_TIMEOUT);
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        return build.cpuMillisAtEnd() - before;
    }

    private static String loop(int n, String setup, String body) {
        return """
                node('agent') {
                  %s
                  for (int i = 0; i < %d; i++) {
                    %s
                  }
                }
                """.formatted(setup, n, body);
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
                security:
                  apiToken:
                    # Else every request of the test's polling rewrites (and fsyncs) the token's usage statistics,
                    # which the CPU measurement would count against the steps.
                    usageStatisticsEnabled: false
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
                        gatePolicy: |-
                          coverage: {min: 90}
                          vulnerabilities: {required: false}
                          licenses: {required: false}
                          secrets: {required: false}
                          sast: {required: false}
                      - name: ssh-prod
                        repository: "ssh://git@127.0.0.1:%14$d/gitops.git"
                        credentialsId: gitops-ssh
                        branch: main
                        overlayPath: deploy/kustomize/overlays/prod
                        knownHosts: "%15$s"
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
                          - basicSSHUserPrivateKey:
                              scope: GLOBAL
                              id: gitops-ssh
                              username: git
                              passphrase: "%16$s"
                              privateKeySource:
                                directEntry:
                                  privateKey: "${readFile:%17$s}"
                          - file:
                              scope: GLOBAL
                              id: stranger-pub
                              fileName: cosign.pub
                              secretBytes: "${readFileBase64:%13$s}"
                """.formatted(agentPort, ADMIN, adminPassword, work.resolve("agent"), port, git.url("gitops.git"),
                registry.host(), JGitHttpServer.USER, JGitHttpServer.PASSWORD, ours.privateKeyFile(), keyPassword,
                ours.publicKeyFile(), stranger.publicKeyFile(), sshPort, sshHostKey, sshPassphrase, sshKey);
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

    /** An ECDSA key pair written by OpenSSH's ssh-keygen, encrypted with {@code passphrase} when it is not empty. */
    private static Path sshKeyPair(Path directory, String name, String passphrase) throws IOException, InterruptedException {
        Path key = directory.resolve(name);
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", passphrase, "-C", name, "-f", key.toString())
                .redirectErrorStream(true).start();
        String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keygen.waitFor() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + output);
        }
        return key;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
