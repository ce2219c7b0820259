package io.jenkins.plugins.securedelivery.plugin;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.Run;
import hudson.util.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jvnet.hudson.test.JenkinsRule;

/** What the plugin's tests share: fixtures copied out of the test resources, credentials, Pipelines, run JSON. */
final class Fixtures {

    private Fixtures() {
    }

    /** The npm project of {@code npm-app/} (see its README), copied into {@code directory}. */
    static Path npmApp(Path directory) throws IOException {
        Path app = Files.createDirectories(directory.resolve("npm-app"));
        for (String name : List.of("package.json", "package-lock.json")) {
            try (InputStream in = Fixtures.class.getResourceAsStream("npm-app/" + name)) {
                Files.copy(in, app.resolve(name));
            }
        }
        return app;
    }

    static void addCredentials(Credentials... credentials) throws IOException {
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        store.getCredentials().addAll(List.of(credentials));
        store.save();
    }

    static FileCredentialsImpl secretFile(String id, String fileName, byte[] content) {
        return new FileCredentialsImpl(CredentialsScope.GLOBAL, id, "test " + id, fileName, SecretBytes.fromRawBytes(content));
    }

    static StringCredentialsImpl secretText(String id, String text) {
        return new StringCredentialsImpl(CredentialsScope.GLOBAL, id, "test " + id, Secret.fromString(text));
    }

    static WorkflowJob pipeline(JenkinsRule j, String name, String script) throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, name);
        job.setDefinition(new CpsFlowDefinition(script, true));
        return job;
    }

    /** The entries the run's action exports under {@code key} at {@code .../api/json}, as a client reads them. */
    static JSONArray exported(JenkinsRule j, Run<?, ?> run, String key) throws Exception {
        JSONObject json = j.getJSON(run.getUrl() + "api/json").getJSONObject();
        for (Object action : json.getJSONArray("actions")) {
            if (action instanceof JSONObject o && o.has(key)) {
                return o.getJSONArray(key);
            }
        }
        throw new AssertionError("no action with '" + key + "' in " + run.getUrl() + "api/json: " + json.toString(2));
    }
}
