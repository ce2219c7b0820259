package io.jenkins.plugins.securedelivery.plugin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import hudson.model.Label;
import hudson.model.Result;
import io.jenkins.plugins.securedelivery.plugin.config.Environment;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.eclipse.jgit.revwalk.RevCommit;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** promoteOverlay, rollbackOverlay and doraMetrics against a real bare git repository, the environment from the global configuration. */
@WithJenkins
class GitOpsStepsTest {

    private JenkinsRule j;
    private Path bare;

    @BeforeEach
    void repositoryAndEnvironment(JenkinsRule rule, @TempDir Path tmp) throws Exception {
        j = rule;
        j.createOnlineSlave(Label.get("deployer"));
        bare = GitOpsRepository.seed(tmp);
        Environment staging = new Environment("staging", bare.toUri().toString());
        staging.setCommitUrl("https://git.example.com/org/gitops/commit/{commit}");
        SecureDeliveryConfiguration.get().setEnvironments(List.of(staging));
    }

    private static String digest(String release) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(release.getBytes(StandardCharsets.UTF_8)));
    }

    private WorkflowRun promote(String name, String release) throws Exception {
        WorkflowJob job = Fixtures.pipeline(j, name, """
                node('deployer') {
                  def commit = promoteOverlay(environment: 'staging', images: ['%s=registry.example.com/org/app@%s'],
                                              sourceCommit: '0123456789abcdef0123456789abcdef01234567')
                  echo "promoted in ${commit}"
                }
                """.formatted(GitOpsRepository.IMAGE, digest(release)));
        return j.buildAndAssertSuccess(job);
    }

    @Test
    void promotesByOneCommitToTheConfiguredEnvironmentAndLinksItOnTheRun() throws Exception {
        // when a Pipeline promotes release 1 to staging, naming only the environment
        WorkflowRun run = promote("promote", "release 1");

        // then the repository's main branch has one new commit pinning the digest, and the step returned it
        RevCommit head = GitOpsRepository.head(bare);
        assertThat(GitOpsRepository.overlay(bare), containsString(digest("release 1")));
        j.assertLogContains("promoted in " + head.name(), run);
        assertThat(head.getFullMessage(), containsString("0123456789abcdef0123456789abcdef01234567"));
        JSONObject promotion = Fixtures.exported(j, run, "promotions").getJSONObject(0);
        assertThat(promotion.getString("environment"), is("staging"));
        assertThat(promotion.getString("commit"), is(head.name()));
        assertThat(promotion.getString("commitUrl"), is("https://git.example.com/org/gitops/commit/" + head.name()));
        assertThat(promotion.getBoolean("changed"), is(true));
    }

    @Test
    void rollsBackToThePreviousReleaseAndDoraMetricsCountTheFailure() throws Exception {
        // given two releases promoted to staging
        promote("first", "release 1");
        promote("second", "release 2");
        String second = GitOpsRepository.head(bare).name();

        // when a Pipeline rolls staging back and reads its DORA metrics
        WorkflowJob job = Fixtures.pipeline(j, "rollback", """
                node('deployer') {
                  def commit = rollbackOverlay(environment: 'staging')
                  def dora = doraMetrics(environment: 'staging', since: '30d')
                  echo "rolled back in ${commit}: deployments=${dora.deployments} rollbacks=${dora.rollbacks} failed=${dora.failedDeployments}"
                }
                """);
        WorkflowRun run = j.buildAndAssertSuccess(job);

        // then release 1 runs again, the rollback names release 2, and the metrics see 2 deployments of which 1 failed
        String overlay = GitOpsRepository.overlay(bare);
        assertThat(overlay, containsString(digest("release 1")));
        assertThat(overlay, not(containsString(digest("release 2"))));
        RevCommit head = GitOpsRepository.head(bare);
        j.assertLogContains("rolled back in " + head.name() + ": deployments=2 rollbacks=1 failed=1", run);
        JSONObject rollback = Fixtures.exported(j, run, "promotions").getJSONObject(0);
        assertThat(rollback.getString("rollbackOf"), is(second));
        JSONArray metrics = Fixtures.exported(j, run, "metrics");
        assertThat(metrics.getJSONObject(0).getInt("deployments"), is(2));
    }

    @Test
    void refusesAnEnvironmentThatIsNotConfiguredAndNamesTheFix() throws Exception {
        // given a Pipeline promoting to an environment nobody configured
        WorkflowJob job = Fixtures.pipeline(j, "unknown", """
                node { promoteOverlay(environment: 'qa', images: ['%s=registry.example.com/org/app@%s']) }
                """.formatted(GitOpsRepository.IMAGE, digest("release 1")));

        // when
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        // then nothing was committed and the message says where to configure it
        j.assertLogContains("environment 'qa' is not in the global configuration", run);
        assertThat(GitOpsRepository.head(bare).getShortMessage(), is("Bootstrap the GitOps repository"));
    }
}
