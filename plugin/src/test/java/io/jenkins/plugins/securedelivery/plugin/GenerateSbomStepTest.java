package io.jenkins.plugins.securedelivery.plugin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertNull;

import hudson.FilePath;
import hudson.model.Label;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.jenkins.plugins.securedelivery.plugin.actions.SbomAction;
import java.nio.file.Path;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class GenerateSbomStepTest {

    @Test
    void writesTheSbomOnTheAgentReturnsItsSummaryAndShowsItsCountsOnTheRun(JenkinsRule j, @TempDir Path tmp) throws Exception {
        // given an agent and an npm project whose lock file npm wrote (debug 4.3.4 and ms 2.1.2, both MIT)
        DumbSlave agent = j.createOnlineSlave(Label.get("builder"));
        Path app = Fixtures.npmApp(tmp);
        WorkflowJob job = Fixtures.pipeline(j, "sbom", """
                node('builder') {
                  def sbom = generateSbom(path: '%s', output: 'bom.json')
                  echo "components=${sbom.components} licenses=${sbom.licenses} unlicensed=${sbom.unlicensed} incomplete=${sbom.incomplete}"
                }
                """.formatted(app));

        // when
        WorkflowRun run = j.buildAndAssertSuccess(job);

        // then the step returned the summary, wrote the file in the agent's workspace and logged the engine's line
        j.assertLogContains("components=2 licenses=[MIT] unlicensed=0 incomplete=false", run);
        j.assertLogContains("2 components (npm 2)", run);
        FilePath bom = agent.getWorkspaceFor(job).child("bom.json");
        assertThat(bom.readToString(), containsString("pkg:npm/debug@4.3.4"));
        JSONArray sboms = Fixtures.exported(j, run, "sboms");
        JSONObject only = sboms.getJSONObject(0);
        assertThat(sboms.size(), is(1));
        assertThat(only.getString("file"), is("bom.json"));
        assertThat(only.getInt("components"), is(2));
        assertThat(only.getInt("licenses"), is(1));
        assertThat(only.getBoolean("incomplete"), is(false));
    }

    @Test
    void failsTheBuildWithAMessageNamingThePathWhenThereIsNothingToDescribe(JenkinsRule j, @TempDir Path tmp) throws Exception {
        // given a path that does not exist
        Path missing = tmp.resolve("no-such-project");
        WorkflowJob job = Fixtures.pipeline(j, "missing", "node { generateSbom(path: '" + missing + "') }");

        // when
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        // then the log names the path, and no SBOM was recorded
        j.assertLogContains(missing.toString(), run);
        assertNull(run.getAction(SbomAction.class));
    }
}
