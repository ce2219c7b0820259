package io.jenkins.plugins.securedelivery.plugin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.Result;
import hudson.model.Run;
import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.plugin.config.Environment;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Passwords, tokens and keys given as credentials never reach a run's log, build.xml, program state or return values. */
@WithJenkins
class SecretsStayOutOfRunsTest {

    private static final String KEY_PASSWORD = "key-password-7f3a9c";
    private static final String WRONG_PASSWORD = "wrong-password-51d2e8";
    private static final String GIT_TOKEN = "gitops-token-c0ffee42";

    @Test
    void neitherASucceedingNorAFailingRunKeepsAnySecret(JenkinsRule j, @TempDir Path tmp) throws Exception {
        // given a key, its password, a wrong password and a git token as credentials, an image and a GitOps repository
        Path files = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(files.resolve("hello.txt"), "hello\n", StandardCharsets.UTF_8);
        Path layout = tmp.resolve("layout");
        new ImageFromFiles(files).push(new OciLayoutStore(layout), ImageReference.parse("localhost/team/app:1.0"));
        KeyFiles.GeneratedKeyPair keys = KeyFiles.generate(Files.createDirectories(tmp.resolve("keys")), "cosign",
                PasswordSource.of(KEY_PASSWORD.toCharArray()));
        byte[] key = Files.readAllBytes(keys.privateKeyFile());
        String keyBody = new String(key, StandardCharsets.US_ASCII).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        Fixtures.addCredentials(
                Fixtures.secretFile("cosign-key", "cosign.key", key),
                Fixtures.secretText("cosign-password", KEY_PASSWORD),
                Fixtures.secretText("wrong-password", WRONG_PASSWORD),
                new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "gitops", "GitOps bot", "bot", GIT_TOKEN));
        Path bare = GitOpsRepository.seed(tmp);
        Environment staging = new Environment("staging", bare.toUri().toString());
        staging.setCredentialsId("gitops");
        SecureDeliveryConfiguration.get().setEnvironments(List.of(staging));

        // when one run signs and promotes, and another signs with the wrong password
        WorkflowJob good = Fixtures.pipeline(j, "good", """
                node {
                  def digest = signImage(image: 'localhost/team/app:1.0', credentialsId: 'cosign-key',
                                         passwordCredentialsId: 'cosign-password', ociLayout: '%s')
                  def commit = promoteOverlay(environment: 'staging', images: ["%s=localhost/team/app@${digest}"])
                  echo "returned ${digest} and ${commit}"
                }
                """.formatted(layout, GitOpsRepository.IMAGE));
        WorkflowRun signed = j.buildAndAssertSuccess(good);
        WorkflowJob bad = Fixtures.pipeline(j, "bad", """
                node {
                  signImage(image: 'localhost/team/app:1.0', credentialsId: 'cosign-key',
                            passwordCredentialsId: 'wrong-password', ociLayout: '%s')
                }
                """.formatted(layout));
        WorkflowRun refused = j.buildAndAssertStatus(Result.FAILURE, bad);

        // then the failure says what went wrong, and no file of either run holds a secret
        j.assertLogContains("cosign-key", refused);
        for (Run<?, ?> run : List.of(signed, refused)) {
            for (String secret : List.of(KEY_PASSWORD, WRONG_PASSWORD, GIT_TOKEN, keyBody)) {
                assertNoFileContains(run.getRootDir().toPath(), secret);
            }
        }
    }

    private static void assertNoFileContains(Path runDirectory, String secret) throws Exception {
        try (Stream<Path> files = Files.walk(runDirectory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(file + " holds a secret", content, not(containsString(secret)));
            }
        }
    }
}
