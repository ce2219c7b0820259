package io.jenkins.plugins.securedelivery.plugin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import hudson.model.Label;
import hudson.model.Result;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.sf.json.JSONArray;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** signImage, attestImage and verifyImage on an agent, against a real OCI image layout and real cosign key files. */
@WithJenkins
class ImageSigningStepsTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String IMAGE = "localhost/team/app:1.0";

    private JenkinsRule j;
    private Path layout;
    private String digest;
    private KeyFiles.GeneratedKeyPair keys;

    @BeforeEach
    void imageAndKeys(JenkinsRule rule, @TempDir Path tmp) throws Exception {
        j = rule;
        j.createOnlineSlave(Label.get("signer"));
        Path files = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(files.resolve("hello.txt"), "hello from the app\n", StandardCharsets.UTF_8);
        layout = tmp.resolve("layout");
        Descriptor pushed = new ImageFromFiles(files).push(new OciLayoutStore(layout), ImageReference.parse(IMAGE));
        digest = pushed.digest();
        keys = KeyFiles.generate(Files.createDirectories(tmp.resolve("keys")), "cosign", PasswordSource.of(PASSWORD.toCharArray()));
        KeyFiles.GeneratedKeyPair stranger = KeyFiles.generate(Files.createDirectories(tmp.resolve("stranger")), "cosign",
                PasswordSource.of(PASSWORD.toCharArray()));
        Fixtures.addCredentials(
                Fixtures.secretFile("cosign-key", "cosign.key", Files.readAllBytes(keys.privateKeyFile())),
                Fixtures.secretText("cosign-password", PASSWORD),
                Fixtures.secretFile("cosign-pub", "cosign.pub", Files.readAllBytes(keys.publicKeyFile())),
                Fixtures.secretFile("stranger-pub", "cosign.pub", Files.readAllBytes(stranger.publicKeyFile())));
    }

    private String signAndAttest() {
        return """
                node('signer') {
                  def digest = signImage(image: '%1$s', credentialsId: 'cosign-key', passwordCredentialsId: 'cosign-password', ociLayout: '%2$s')
                  writeFile file: 'bom.json', text: '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1}'
                  attestImage(image: "localhost/team/app@${digest}", type: 'cyclonedx', predicate: 'bom.json',
                              credentialsId: 'cosign-key', passwordCredentialsId: 'cosign-password', ociLayout: '%2$s')
                  echo "signed ${digest}"
                """.formatted(IMAGE, layout);
    }

    @Test
    void signsAttestsAndVerifiesByDigestAndShowsTheKeyOnTheRun() throws Exception {
        // given a Pipeline that signs the tag, attests the digest it got back, and verifies both with the public key
        WorkflowJob job = Fixtures.pipeline(j, "sign", signAndAttest() + """
                  def verified = verifyImage(image: "localhost/team/app@${digest}", publicKeyCredentialsId: 'cosign-pub',
                                             requireAttestations: ['cyclonedx'], ociLayout: '%s')
                  echo "verified ${verified.digest}"
                }
                """.formatted(layout));

        // when
        WorkflowRun run = j.buildAndAssertSuccess(job);

        // then the step returned the image's digest, and the run shows what was signed, attested and verified, by whom
        j.assertLogContains("signed " + digest, run);
        j.assertLogContains("verified " + digest, run);
        JSONArray signatures = Fixtures.exported(j, run, "signatures");
        assertThat(signatures.size(), is(3));
        String keyId = keys.verificationKey().hint();
        assertThat(signatures.getJSONObject(0).getString("kind"), is("SIGNED"));
        assertThat(signatures.getJSONObject(0).getString("digest"), is(digest));
        assertThat(signatures.getJSONObject(0).getString("keyId"), is(keyId));
        assertThat(signatures.getJSONObject(1).getString("kind"), is("ATTESTED"));
        assertThat(signatures.getJSONObject(1).getString("predicateType"), is("https://cyclonedx.org/bom"));
        assertThat(signatures.getJSONObject(2).getString("kind"), is("VERIFIED"));
        assertThat(signatures.getJSONObject(2).getString("image"), is("localhost/team/app@" + digest));
    }

    @Test
    void failsTheBuildWhenAStrangersKeyIsTrusted() throws Exception {
        // given an image signed with our key, verified against someone else's
        WorkflowJob job = Fixtures.pipeline(j, "stranger", signAndAttest() + """
                  verifyImage(image: "localhost/team/app@${digest}", publicKeyCredentialsId: 'stranger-pub', ociLayout: '%s')
                  echo 'promoting anyway'
                }
                """.formatted(layout));

        // when
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        // then verification failed closed and nothing after it ran
        j.assertLogContains("verification of localhost/team/app@" + digest + " FAILED", run);
        j.assertLogNotContains("promoting anyway", run);
    }

    @Test
    void failsTheBuildWhenARequiredAttestationIsMissing() throws Exception {
        // given an image with a CycloneDX attestation, where SLSA provenance is required too
        WorkflowJob job = Fixtures.pipeline(j, "provenance", signAndAttest() + """
                  verifyImage(image: "localhost/team/app@${digest}", publicKeyCredentialsId: 'cosign-pub',
                              requireAttestations: ['cyclonedx', 'slsaprovenance'], ociLayout: '%s')
                }
                """.formatted(layout));

        // when
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        // then the report names the missing predicate type
        j.assertLogContains("https://slsa.dev/provenance/v1", run);
        j.assertLogContains("FAILED", run);
    }
}
