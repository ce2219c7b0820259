package io.jenkins.plugins.securedelivery.plugin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import hudson.model.Label;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.jenkins.plugins.securedelivery.evidence.EvidenceBundle;
import io.jenkins.plugins.securedelivery.evidence.EvidenceReport;
import io.jenkins.plugins.securedelivery.evidence.EvidenceStore;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * qualityGate on the surefire and JaCoCo reports of a real Maven build (core's gate fixtures), and evidenceBundle
 * signed with real cosign key files and pushed to a real OCI image layout, on an agent.
 */
@WithJenkins
class GateAndEvidenceStepsTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String TESTS_AND_COVERAGE_ONLY = "vulnerabilities: {required: false}\\nlicenses: {required: false}\\n"
            + "secrets: {required: false}\\nsast: {required: false}\\n";

    private JenkinsRule j;
    private Path tmp;
    private DumbSlave agent;

    @BeforeEach
    void agent(JenkinsRule rule, @TempDir Path tmp) throws Exception {
        j = rule;
        this.tmp = tmp;
        agent = j.createOnlineSlave(Label.get("builder"));
    }

    private Path reports(String name, String... resources) throws Exception {
        Path directory = Files.createDirectories(tmp.resolve(name));
        for (String resource : resources) {
            try (InputStream in = GateAndEvidenceStepsTest.class.getResourceAsStream("/gates/" + resource)) {
                Files.copy(in, directory.resolve(Path.of(resource).getFileName()));
            }
        }
        return directory;
    }

    private String gate(Path reports, String options) {
        return """
                node('builder') {
                  writeFile file: 'gate-policy.yaml', text: "%s"
                  def gate = qualityGate(reports: ['%s'], policy: 'gate-policy.yaml'%s)
                  echo "passed ${gate.passed}, failed ${gate.failed}"
                }
                """.formatted(TESTS_AND_COVERAGE_ONLY, reports, options);
    }

    @Test
    void passesTheGateAndRecordsEveryRuleOnTheRun() throws Exception {
        // given the reports of a passing build: 3 tests green, 5 of 6 lines covered
        Path reports = reports("passing", "surefire/TEST-example.PriceTest-passing.xml", "jacoco/jacoco-passing-build.xml");
        WorkflowJob job = Fixtures.pipeline(j, "gate", gate(reports, ""));

        // when
        WorkflowRun run = j.buildAndAssertSuccess(job);

        // then the verdict is in the log, the return value, the workspace and the run's JSON, one row per rule
        j.assertLogContains("Quality gate PASSED", run);
        j.assertLogContains("passed true, failed []", run);
        JSONObject gate = Fixtures.exported(j, run, "gates").getJSONObject(0);
        assertThat(gate.getBoolean("passed"), is(true));
        JSONArray rules = gate.getJSONArray("rules");
        assertThat(rules, hasSize(6));
        assertThat(rules.getJSONObject(0).getString("rule"), is("tests"));
        assertThat(rules.getJSONObject(0).getString("status"), is("PASS"));
        // the gate ran on the agent, so its verdict file is in the agent's workspace, not the controller's
        assertThat(agent.getWorkspaceFor(job).child("gate-verdict.junit.xml").readToString(), containsString("name=\"coverage\""));
    }

    @Test
    void failsTheBuildAndStopsThePipelineWhenARuleFails() throws Exception {
        // given the reports of a failing build: one test failed, 4 of 6 lines covered
        Path reports = reports("failing", "surefire/TEST-example.PriceTest-failing.xml", "jacoco/jacoco-failing-build.xml");
        WorkflowJob job = Fixtures.pipeline(j, "gate", gate(reports, ""));

        // when
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        // then the gate named both rules, and nothing after it ran
        j.assertLogContains("quality gate FAILED: tests, coverage", run);
        j.assertLogNotContains("passed false", run);
        assertThat(Fixtures.exported(j, run, "gates").getJSONObject(0).getBoolean("passed"), is(false));
    }

    @Test
    void marksTheBuildUnstableAndGoesOnWhenAskedTo() throws Exception {
        // given the failing build's reports and unstableOnFailure
        Path reports = reports("failing", "surefire/TEST-example.PriceTest-failing.xml", "jacoco/jacoco-failing-build.xml");
        WorkflowJob job = Fixtures.pipeline(j, "gate", gate(reports, ", unstableOnFailure: true"));

        // when
        WorkflowRun run = j.buildAndAssertStatus(Result.UNSTABLE, job);

        // then the Pipeline went on with the verdict
        j.assertLogContains("passed false, failed [tests, coverage]", run);
    }

    @Test
    void writesVerifiesArchivesAndPushesASignedEvidenceBundle() throws Exception {
        // given an image in an OCI layout, our key as credentials, and a report in the workspace
        Path files = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(files.resolve("hello.txt"), "hello from the app\n", StandardCharsets.UTF_8);
        Path layout = tmp.resolve("layout");
        Descriptor pushed = new ImageFromFiles(files).push(new OciLayoutStore(layout), ImageReference.parse("localhost/team/app:1.0"));
        KeyFiles.GeneratedKeyPair keys = KeyFiles.generate(Files.createDirectories(tmp.resolve("keys")), "cosign",
                PasswordSource.of(PASSWORD.toCharArray()));
        Fixtures.addCredentials(
                Fixtures.secretFile("cosign-key", "cosign.key", Files.readAllBytes(keys.privateKeyFile())),
                Fixtures.secretText("cosign-password", PASSWORD));
        String image = "localhost/team/app@" + pushed.digest();
        WorkflowJob job = Fixtures.pipeline(j, "evidence", """
                node('builder') {
                  writeFile file: 'reports/summary.txt', text: 'all green'
                  def evidence = evidenceBundle(image: '%s', files: ['reports/*.txt'], credentialsId: 'cosign-key',
                                                passwordCredentialsId: 'cosign-password', ociLayout: '%s', push: true)
                  echo "bundle ${evidence.bundle} ${evidence.sha256}"
                }
                """.formatted(image, layout));

        // when
        WorkflowRun run = j.buildAndAssertSuccess(job);

        // then the archived bundle verifies with core against our public key and holds the report
        Path archived = tmp.resolve("archived.zip");
        try (InputStream in = run.getArtifactManager().root().child("evidence.zip").open()) {
            Files.copy(in, archived);
        }
        EvidenceReport report = EvidenceBundle.verify(archived, KeyFiles.readVerificationKey(keys.publicKeyFile()), ImageReference.parse(image));
        assertThat(report.summary(), report.passed(), is(true));
        assertThat(report.manifest().files().stream().map(f -> f.name()).toList(), hasItem("reports/summary.txt"));
        JSONObject recorded = Fixtures.exported(j, run, "bundles").getJSONObject(0);
        j.assertLogContains("bundle evidence.zip " + recorded.getString("sha256"), run);
        // and it was pushed as an artifact referring to the image
        assertThat(new EvidenceStore(new OciLayoutStore(layout)).list(ImageReference.parse(image)), hasSize(1));
        j.assertLogNotContains(PASSWORD, run);
        assertThat(Files.readString(run.getRootDir().toPath().resolve("build.xml")), not(containsString(PASSWORD)));
    }
}
