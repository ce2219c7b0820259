package io.jenkins.plugins.securedelivery.acceptance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Jenkins controller started from a war ({@code java -jar}) on a loopback port with its own JENKINS_HOME,
 * configured by a JCasC file, and driven over HTTP as a user would: the admin's password once, to create an API token
 * (with the crumb of that session), then HTTP basic authentication with that token. A password is checked with
 * bcrypt on every request, which would cost the controller more CPU than the steps measured here.
 */
final class Controller implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** /proc counts CPU time in USER_HZ ticks, 100 a second on every Linux ABI whatever the kernel's HZ. */
    private static final long USER_HZ = 100;
    private static final Pattern JNLP_ARGUMENT = Pattern.compile("<argument>([^<]*)</argument>");

    private final ProcessBuilder launch;
    private Process process;
    private final Path home;
    private final String url;
    private String authorization;
    private final HttpClient http;
    private final List<Process> agents = new ArrayList<>();
    private String crumbField;
    private String crumb;

    /**
     * What one build did: its result, its console and its {@code api/json}; and the controller's CPU time when the
     * build was seen finished, before those were fetched.
     */
    record Build(String job, int number, String result, String console, JsonNode json, long cpuMillisAtEnd) {
        /** The entries of the run's action that exports {@code key}, as a client of {@code api/json} reads them. */
        JsonNode exported(String key) {
            for (JsonNode action : json.path("actions")) {
                if (action.has(key)) {
                    return action.get(key);
                }
            }
            throw new AssertionError("no action of /job/" + job + "/" + number + "/api/json exports '" + key + "': " + json);
        }
    }

    private Controller(ProcessBuilder launch, Path home, int port, String user, String password) throws IOException {
        this.launch = launch;
        this.process = launch.start();
        this.home = home;
        this.url = "http://127.0.0.1:" + port + "/";
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts the war with {@code plugins} and our {@code hpi} installed and {@code casc} as its JCasC file, and waits
     * until the admin can read {@code /api/json}.
     */
    static Controller start(Path war, Collection<Path> plugins, Path hpi, Path home, int port, String casc,
                            String user, String password, Duration timeout) throws IOException, InterruptedException {
        PluginPackage.deleteRecursively(home);
        Path pluginsDir = Files.createDirectories(home.resolve("plugins"));
        for (Path plugin : plugins) {
            String name = plugin.getFileName().toString();
            Files.copy(plugin, pluginsDir.resolve(name.substring(0, name.lastIndexOf('.')) + ".jpi"));
        }
        Files.copy(hpi, pluginsDir.resolve(PluginPackage.SHORT_NAME + ".jpi"));
        Path cascFile = home.resolve("casc/jenkins.yaml");
        Files.createDirectories(cascFile.getParent());
        Files.writeString(cascFile, casc);
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx768m",
                "-Djenkins.install.runSetupWizard=false",
                "-Dhudson.model.UpdateCenter.never=true",
                "-Dhudson.model.DownloadService.never=true",
                "-DJENKINS_HOME=" + home));
        // e.g. -Dcontroller.jvmArgs=-XX:StartFlightRecording=filename=/tmp/c.jfr,settings=profile to see where its CPU goes
        String extra = System.getProperty("controller.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", war.toString(), "--httpListenAddress=127.0.0.1", "--httpPort=" + port));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("jenkins.log").toFile());
        builder.environment().put("CASC_JENKINS_CONFIG", cascFile.toString());
        builder.environment().remove("JENKINS_HOME");
        Controller controller = new Controller(builder, home, port, user, password);
        Runtime.getRuntime().addShutdownHook(new Thread(controller::stopProcesses));
        try {
            controller.awaitReady(timeout);
            controller.switchToApiToken(user);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            controller.close();
            throw e;
        }
        return controller;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the controller exited with " + process.exitValue() + " while starting:\n" + logTail());
            }
            try {
                if (send(request("api/json").GET()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // The port opens only once the web container is up.
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the controller at " + url + " was not ready within " + timeout + ":\n" + logTail());
    }

    private void switchToApiToken(String user) throws IOException, InterruptedException {
        HttpResponse<String> created = post("user/" + user + "/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken",
                "application/x-www-form-urlencoded", "newTokenName=acceptance");
        String token = JSON.readTree(created.body()).path("data").path("tokenValue").asText();
        if (token.isEmpty()) {
            throw new AssertionError("the controller created no API token for " + user + ": " + created.statusCode());
        }
        authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Stops the controller as an administrator's {@code systemctl restart} would (SIGTERM: Jenkins saves and stops), and
     * starts it again on the same JENKINS_HOME and port. Agents stay up and reconnect on their own; the API token stays valid.
     */
    void restart(Duration timeout) throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the controller did not stop within 60 s of SIGTERM:\n" + logTail());
        }
        launch.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("jenkins.log").toFile()));
        process = launch.start();
        awaitReady(timeout);
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** The controller JVM's CPU time so far (user + system), from /proc/PID/stat; clock ticks of 10 ms. */
    long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After "(comm)": state is field 3, utime 14 and stime 15 of proc(5).
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1000 / USER_HZ;
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request(path).GET());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + url + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** A file the controller serves as it is, e.g. a run's artifact. */
    byte[] bytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + url + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    JsonNode json(String path) throws IOException, InterruptedException {
        return JSON.readTree(get(path));
    }

    HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        if (crumb == null) {
            JsonNode issued = json("crumbIssuer/api/json");
            crumbField = issued.path("crumbRequestField").asText();
            crumb = issued.path("crumb").asText();
        }
        HttpRequest.Builder request = request(path).header(crumbField, crumb)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = send(request);
        if (response.statusCode() >= 400) {
            throw new AssertionError("POST " + url + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    /** A Pipeline job running {@code script} in the Groovy sandbox, as a user without script approval would write it. */
    void createPipeline(String name, String script) throws IOException, InterruptedException {
        String config = """
                <?xml version='1.1' encoding='UTF-8'?>
                <flow-definition plugin="workflow-job">
                  <description>acceptance: %s</description>
                  <keepDependencies>false</keepDependencies>
                  <definition class="org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition" plugin="workflow-cps">
                    <script>%s</script>
                    <sandbox>true</sandbox>
                  </definition>
                  <disabled>false</disabled>
                </flow-definition>
                """.formatted(escape(name), escape(script));
        post("createItem?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), "application/xml", config);
    }

    /** Starts a build of {@code job} and waits for its result. */
    Build build(String job, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int number = trigger(job, timeout);
        return await(job, number, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** Starts a build of {@code job} and returns its number once it has left the queue. */
    int trigger(String job, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> queued = post("job/" + job + "/build?delay=0sec", null, "");
        String location = queued.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("POST /job/" + job + "/build gave no queue item (status " + queued.statusCode() + ")"));
        String queueItem = URI.create(url).relativize(URI.create(location)).toString();
        long deadline = System.nanoTime() + timeout.toNanos();
        int number = -1;
        while (number < 0) {
            JsonNode item = json(queueItem + "api/json?tree=cancelled,why,executable[number]");
            if (item.path("cancelled").asBoolean(false)) {
                throw new AssertionError("the build of " + job + " was cancelled in the queue: " + item);
            }
            if (item.hasNonNull("executable")) {
                number = item.path("executable").path("number").asInt();
            } else {
                awaitOrFail(deadline, job + " stayed in the queue: " + item.path("why").asText());
            }
        }
        return number;
    }

    /** Waits for build {@code number} of {@code job} to finish. */
    Build await(String job, int number, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String runPath = "job/" + job + "/" + number + "/";
        // Only the two fields while waiting: the whole run's JSON is built once, at the end.
        String state = runPath + "api/json?tree=building,result";
        JsonNode run = json(state);
        while (run.path("building").asBoolean() || run.path("result").isNull()) {
            awaitOrFail(deadline, job + " #" + number + " did not finish:\n" + get(runPath + "consoleText"));
            run = json(state);
        }
        long cpuAtEnd = cpuMillis();
        return new Build(job, number, run.path("result").asText(), get(runPath + "consoleText"), json(runPath + "api/json"), cpuAtEnd);
    }

    private static void awaitOrFail(long deadline, String problem) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new AssertionError(problem);
        }
        Thread.sleep(200);
    }

    /** The file a build or the controller wrote under JENKINS_HOME, e.g. {@code jobs/x/builds/1/build.xml}. */
    String homeFile(String path) throws IOException {
        return Files.readString(home.resolve(path));
    }

    /**
     * Connects an inbound agent (the remoting jar the controller serves, over its TCP agent port) for the permanent
     * node {@code name}, and waits until it is online.
     */
    void connectAgent(String name, Path workDir, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        HttpResponse<Path> jar = http.send(request("jnlpJars/agent.jar").GET().build(),
                HttpResponse.BodyHandlers.ofFile(workDir.resolve("agent.jar")));
        if (jar.statusCode() != 200) {
            throw new AssertionError("GET " + url + "jnlpJars/agent.jar answered " + jar.statusCode());
        }
        Matcher arguments = JNLP_ARGUMENT.matcher(get("computer/" + name + "/jenkins-agent.jnlp"));
        if (!arguments.find()) {
            throw new AssertionError("the agent file of node " + name + " holds no secret");
        }
        String secret = arguments.group(1);
        Process agent = new ProcessBuilder(javaBinary(), "-Xmx512m", "-jar", workDir.resolve("agent.jar").toString(),
                "-url", url, "-secret", secret, "-name", name, "-workDir", workDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("agent.log").toFile())
                .start();
        agents.add(agent);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (json("computer/" + name + "/api/json").path("offline").asBoolean(true)) {
            if (!agent.isAlive()) {
                throw new AssertionError("the agent " + name + " exited:\n" + Files.readString(workDir.resolve("agent.log")));
            }
            awaitOrFail(deadline, "the agent " + name + " did not come online:\n" + Files.readString(workDir.resolve("agent.log")));
        }
    }

    String logTail() throws IOException {
        Path log = home.resolve("jenkins.log");
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60)).header("Authorization", authorization);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Agents first, then the controller: SIGTERM lets Jenkins save and stop; a minute later it is killed. */
    private void stopProcesses() {
        for (Process agent : agents) {
            agent.destroyForcibly();
        }
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopProcesses();
    }
}
