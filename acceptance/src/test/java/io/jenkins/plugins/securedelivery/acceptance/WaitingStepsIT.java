package io.jenkins.plugins.securedelivery.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.approval.ApprovalRecord;
import io.jenkins.plugins.securedelivery.canary.RolloutCluster;
import io.jenkins.plugins.securedelivery.evidence.EvidenceBundle;
import io.jenkins.plugins.securedelivery.evidence.EvidenceReport;
import io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures;
import io.jenkins.plugins.securedelivery.gitops.ImagePin;
import io.jenkins.plugins.securedelivery.gitops.JGitHttpServer;
import io.jenkins.plugins.securedelivery.gitops.Promotion;
import io.jenkins.plugins.securedelivery.gitops.PromotionTrailers;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The waiting steps in a real controller: {@code waitForCanary} against fabric8's mock Kubernetes API (the suite plays
 * Argo Rollouts) and a real Prometheus, rolling a failed canary back in a real GitOps repository; {@code requestApproval}
 * decided over HTTP by real users of the controller's own user database. Neither step needs an agent; the signed
 * approval record is written on one (an inbound agent the suite starts), into the workspace promoteOverlay reads it from.
 * The restart tests run last: they stop and start the controller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WaitingStepsIT {

    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin";
    private static final String IMAGE = "registry.example.com/org/medical-platform@" + GitOpsFixtures.digest("1.4.1");

    private final String adminPassword = randomSecret();
    private final String alicePassword = randomSecret();
    private final String bobPassword = randomSecret();
    private final String carolPassword = randomSecret();
    private final String clusterToken = randomSecret();
    private final String keyPassword = randomSecret();
    private KeyFiles.GeneratedKeyPair ours;
    private KeyFiles.GeneratedKeyPair stranger;
    private Path released;
    private PluginPackage plugin;
    private Path work;
    private RolloutCluster cluster;
    private JGitHttpServer git;
    private Path bare;
    private Controller controller;
    private final String slackToken = randomSecret();
    private final String routingKey = randomSecret();
    private final String downToken = randomSecret();
    private Receiver receiver;
    private int downPort;

    @BeforeAll
    void controllerClusterAndGitOpsRepository() throws Exception {
        String war = System.getenv("JENKINS_WAR");
        String plugins = System.getenv("JENKINS_PLUGINS");
        String skip = "acceptance suite skipped: set JENKINS_WAR=path/to/jenkins.war and JENKINS_PLUGINS=path/to/plugins-dir "
                + "(a controller's .jpi files) to run the plugin in a real controller";
        if (war == null || plugins == null) {
            System.out.println(skip);
        }
        assumeTrue(war != null && plugins != null, skip);

        work = Path.of(System.getProperty("acceptance.work", "target/acceptance")).resolveSibling("acceptance-waiting").toAbsolutePath();
        PluginPackage.deleteRecursively(work);
        Files.createDirectories(work);
        Path sources = Path.of(System.getProperty("plugin.sources", "../plugin/src/main")).toAbsolutePath().normalize();
        plugin = PluginPackage.build(Path.of(war), Path.of(plugins), sources, work.resolve("build"),
                work.resolve("secure-delivery.hpi"));

        cluster = new RolloutCluster(work);
        Path repositories = Files.createDirectories(work.resolve("git"));
        bare = GitOpsFixtures.seedBareRepository(repositories.resolve("gitops.git"), List.of(GitOpsFixtures.APP));
        promoteToProd("r1");
        promoteToProd("r2");
        // The approval record's promotions go to a repository of their own, so the canary tests' history stays theirs.
        released = GitOpsFixtures.seedBareRepository(repositories.resolve("released.git"), List.of(GitOpsFixtures.APP));
        git = new JGitHttpServer(repositories);
        Path keys = Files.createDirectories(work.resolve("keys"));
        ours = KeyFiles.generate(Files.createDirectories(keys.resolve("ours")), "cosign", PasswordSource.of(keyPassword.toCharArray()));
        stranger = KeyFiles.generate(Files.createDirectories(keys.resolve("stranger")), "cosign", PasswordSource.of(keyPassword.toCharArray()));
        Path kubeconfig = work.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: canary-bot, user: {token: "%s"}}]
                contexts: [{name: mock, context: {cluster: mock, user: canary-bot, namespace: %s}}]
                current-context: mock
                """.formatted(cluster.apiUrl(), clusterToken, RolloutCluster.NAMESPACE));

        receiver = new Receiver();
        // A port nothing listens on: the receiver that is down.
        downPort = Controller.freePort();
        int port = Controller.freePort();
        int agentPort = Controller.freePort();
        List<Path> installed = new ArrayList<>();
        PluginPackage.installed(Path.of(plugins)).values().forEach(p -> installed.add(p.file()));
        controller = Controller.start(Path.of(war), installed, plugin.hpi(), work.resolve("home"), port, casc(port, agentPort, kubeconfig),
                ADMIN, adminPassword, Duration.ofSeconds(240));
        controller.connectAgent("agent", work.resolve("agent"), Duration.ofSeconds(60));
        // Enough scrapes for the first analysis window before any canary is judged.
        cluster.awaitScrapes(12);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (git != null) {
            git.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void promotesAHealthyCanaryStepByStepAndReturnsItsVerdicts() throws Exception {
        // given a canary at 10% whose error rate and latency are no worse than its baseline's
        cluster.startCanary("healthy-app", "5c8d7f6b4");
        controller.createPipeline("canary-pass", """
                def canary = waitForCanary(rollout: 'healthy-app', namespace: '%s', environment: 'prod', notify: 'oncall', policy: '''%s''')
                echo "canary ${canary.status} passed=${canary.passed} verdicts=${canary.verdicts.size()}"
                """.formatted(RolloutCluster.NAMESPACE, policy("healthy")));

        // when
        Controller.Build build = controller.build("canary-pass", BUILD_TIMEOUT);

        // then each pause was promoted on a passing verdict until Argo made the canary stable
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("canary PROMOTED passed=true").contains("Canary rollout/platform-prod/healthy-app PROMOTED");
        assertThat(cluster.status("healthy-app", "/status/stableRS")).isEqualTo("5c8d7f6b4");
        JsonNode canary = build.exported("canaries").get(0);
        assertThat(canary.path("status").asText()).isEqualTo("PROMOTED");
        assertThat(canary.path("verdicts").size()).isGreaterThanOrEqualTo(2);
        assertThat(canary.path("verdicts")).allSatisfy(v -> assertThat(v.path("outcome").asText()).isEqualTo("PASS"));
        // and neither the cluster's token nor Prometheus' password reached the log or the run's JSON
        assertThat(build.console()).doesNotContain(clusterToken).doesNotContain(RolloutCluster.PROMETHEUS_PASSWORD);
        assertThat(build.json().toString()).doesNotContain(clusterToken);
        // and PagerDuty was told to resolve any alert of this rollout in prod: the canary passed
        JsonNode resolve = receiver.await("/pagerduty/", b -> b.path("dedup_key").asText().equals("canary/prod/rollout/platform-prod/healthy-app"));
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("routing_key").asText()).isEqualTo(routingKey);
        assertThat(build.exported("notifications").get(0).path("delivered").asBoolean()).isTrue();
        assertThat(build.console()).doesNotContain(routingKey);
    }

    @Test
    void abortsAFailingCanaryRollsProdBackInGitAndFailsTheBuild() throws Exception {
        // given prod at release r2, whose canary answers 8 % of its requests with errors
        String badRelease = GitOpsFixtures.commits(bare).get(0).getName();
        cluster.startCanary("failing-app", "9a1b2c3d4");
        controller.createPipeline("canary-fail", """
                waitForCanary(rollout: 'failing-app', namespace: '%s', environment: 'prod', notify: ['releases', 'oncall'], policy: '''%s''')
                echo 'promoting to the next region anyway'
                """.formatted(RolloutCluster.NAMESPACE, policy("bad-errors")));

        // when
        Controller.Build build = controller.build("canary-fail", BUILD_TIMEOUT);

        // then the build failed with the explained verdict, and nothing after the step ran
        assertThat(build.result()).isEqualTo("FAILURE");
        assertThat(build.console()).contains("ROLLED_BACK").contains("FAIL").doesNotContain("promoting to the next region anyway");
        // and the rollout was aborted, and prod rolled back to r1 by one commit naming the bad release
        assertThat(cluster.status("failing-app", "/status/phase")).isEqualTo("Degraded");
        RevCommit head = GitOpsFixtures.commits(bare).get(0);
        assertThat(head.getFullMessage()).contains("Rollback-Of: " + badRelease).contains(GitOpsFixtures.digest("r1"));
        JsonNode canary = build.exported("canaries").get(0);
        assertThat(canary.path("status").asText()).isEqualTo("ROLLED_BACK");
        assertThat(canary.path("rollbackCommit").asText()).isEqualTo(head.getName());
        assertThat(build.console()).doesNotContain(JGitHttpServer.PASSWORD);
        // and Slack got the result with the rollback commit, and PagerDuty an error alert for this rollout in prod
        JsonNode slack = receiver.await("/slack/", b -> b.path("text").asText().contains("failing-app"));
        assertThat(slack.path("text").asText()).startsWith("Canary ROLLED_BACK: rollout/platform-prod/failing-app in prod");
        assertThat(slack.path("blocks").get(1).path("text").path("text").asText()).contains("*Rollback commit:* `" + head.getName() + "`");
        assertThat(slack.path("blocks").get(2).path("elements").get(0).path("url").asText()).isEqualTo(controller.url() + "job/canary-fail/" + build.number() + "/");
        JsonNode alert = receiver.await("/pagerduty/", b -> b.path("dedup_key").asText().equals("canary/prod/rollout/platform-prod/failing-app"));
        assertThat(alert.path("event_action").asText()).isEqualTo("trigger");
        assertThat(alert.path("payload").path("severity").asText()).isEqualTo("error");
        assertThat(alert.path("payload").path("source").asText()).isEqualTo("prod/rollout/platform-prod/failing-app");
        assertThat(alert.path("payload").path("custom_details").path("details").asText()).contains(head.getName());
        assertThat(build.console()).contains("waitForCanary: notified 'releases' (canary ROLLED_BACK)").doesNotContain(slackToken).doesNotContain(routingKey);
    }

    @Test
    void announcesARequestAndItsOutcomeOnSlackAndPagerDutyAndOnlyWarnsAboutAReceiverThatIsDown() throws Exception {
        // given a release to prod whose request is announced to Slack, PagerDuty and a JSON receiver that is down
        controller.createPipeline("notify-approve", """
                def approval = requestApproval(environment: 'prod', images: ['%s'], ticket: 'CHG-4321', commitAuthor: 'carol',
                                               sourceCommit: '4f1b2c3d4e5f60718293a4b5c6d7e8f901234567', message: 'Release 1.4.1',
                                               notify: ['releases', 'oncall', 'down'])
                echo "approved by ${approval.approvers.join(',')}"
                """.formatted(IMAGE));
        int number = controller.trigger("notify-approve", BUILD_TIMEOUT);
        String id = awaitPendingApproval("notify-approve", number);
        String run = controller.url() + "job/notify-approve/" + number + "/";

        // when the request opens
        JsonNode slack = receiver.await("/slack/", b -> b.path("text").asText().startsWith("Approval needed: notify-approve #" + number));
        JsonNode page = receiver.await("/pagerduty/", b -> b.path("dedup_key").asText().contains("notify-approve"));

        // then Slack got a Block Kit message: what, where, who asked, the policy, and buttons to the run page
        assertThat(slack.path("text").asText()).isEqualTo("Approval needed: notify-approve #" + number + " to prod (CHG-4321)");
        assertThat(slack.path("blocks").get(0).path("type").asText()).isEqualTo("header");
        String details = slack.path("blocks").get(1).path("text").path("text").asText();
        assertThat(details).contains("*Environment:* prod").contains(IMAGE).contains("*Ticket:* CHG-4321").contains("*Requested by:* admin")
                .contains("by carol").contains("*Policy:* 2 approvals from authenticated; a change ticket is required; expires after 1h")
                .contains("*Message:* Release 1.4.1");
        JsonNode buttons = slack.path("blocks").get(2).path("elements");
        assertThat(buttons).extracting(b -> b.path("text").path("text").asText()).containsExactly("Approve", "Reject", "Open the run");
        assertThat(buttons).extracting(b -> b.path("url").asText()).containsOnly(run);
        assertThat(buttons.get(0).path("style").asText()).isEqualTo("primary");
        assertThat(buttons.get(1).path("style").asText()).isEqualTo("danger");
        // and PagerDuty an info event with the routing key from the credential, correlated to this request
        assertThat(page.path("routing_key").asText()).isEqualTo(routingKey);
        assertThat(page.path("event_action").asText()).isEqualTo("trigger");
        assertThat(page.path("payload").path("severity").asText()).isEqualTo("info");
        assertThat(page.path("payload").path("summary").asText()).isEqualTo(slack.path("text").asText());
        assertThat(page.path("links").get(0).path("href").asText()).isEqualTo(run);
        String dedupKey = page.path("dedup_key").asText();
        assertThat(dedupKey).startsWith("approval/prod/notify-approve#" + number + "/").endsWith(id);

        // when alice and bob approve
        assertThat(decide("alice", alicePassword, "notify-approve", number, "approve", id).statusCode()).isEqualTo(302);
        assertThat(decide("bob", bobPassword, "notify-approve", number, "approve", id).statusCode()).isEqualTo(302);
        Controller.Build build = controller.await("notify-approve", number, BUILD_TIMEOUT);

        // then the receiver being down changed nothing: the build went on, with a warning in its log
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("approved by alice,bob")
                .contains("WARNING: requestApproval: could not notify 'down' (approval requested): JSON webhook on 127.0.0.1: NOT delivered after 3 attempts")
                .contains("WARNING: requestApproval: could not notify 'down' (approval APPROVED)");
        // and the outcome went out: a Slack message, and PagerDuty's alert resolved
        JsonNode outcome = receiver.await("/slack/", b -> b.path("text").asText().startsWith("Approval APPROVED: notify-approve #" + number));
        assertThat(outcome.path("blocks").get(1).path("text").path("text").asText()).startsWith("*Outcome:* APPROVED");
        JsonNode resolved = receiver.await("/pagerduty/", b -> b.path("dedup_key").asText().equals(dedupKey) && b.path("event_action").asText().equals("resolve"));
        assertThat(resolved.path("routing_key").asText()).isEqualTo(routingKey);
        // and api/json lists what was sent to which webhook, delivered or why not
        JsonNode sent = build.exported("notifications");
        assertThat(sent).extracting(n -> n.path("webhook").asText() + " " + n.path("kind").asText() + " " + n.path("event").asText() + " "
                + n.path("delivered").asBoolean()).contains("releases SLACK approval requested true", "oncall PAGERDUTY approval requested true",
                "down GENERIC approval requested false", "releases SLACK approval APPROVED true", "oncall PAGERDUTY approval APPROVED true",
                "down GENERIC approval APPROVED false");
        // and no URL's token or routing key is in the log, api/json or build.xml
        String xml = controller.homeFile("jobs/notify-approve/builds/" + number + "/build.xml");
        for (String secret : List.of(slackToken, routingKey, downToken)) {
            assertThat(build.console()).doesNotContain(secret);
            assertThat(build.json().toString()).doesNotContain(secret);
            assertThat(xml).doesNotContain(secret);
        }
        assertThat(xml).contains("NotificationAction");
    }

    @Test
    void theSnippetGeneratorWritesTheNotifyTextboxAsAListOfOneAndLeavesAnEmptyOneOut() throws Exception {
        // given the snippet generator's forms of both steps, as its page posts them
        String steps = "io.jenkins.plugins.securedelivery.plugin.steps.";
        String approval = snippet("{\"stapler-class\": \"" + steps + "RequestApprovalStep\", \"environment\": \"prod\", \"notify\": \"releases\"}");
        String canary = snippet("{\"stapler-class\": \"" + steps + "WaitForCanaryStep\", \"rollout\": \"app\", \"namespace\": \"ns\", "
                + "\"environment\": \"prod\", \"rollback\": true, \"notify\": \"oncall\"}");
        String empty = snippet("{\"stapler-class\": \"" + steps + "RequestApprovalStep\", \"environment\": \"prod\", \"notify\": \"\"}");

        // then the one name is a list of one, and an empty textbox adds no parameter
        assertThat(approval).startsWith("requestApproval").contains("notify: ['releases']");
        assertThat(canary).startsWith("waitForCanary").contains("notify: ['oncall']");
        assertThat(empty).startsWith("requestApproval").doesNotContain("notify");
    }

    private String snippet(String form) throws Exception {
        return controller.post("pipeline-syntax/generateSnippet", "application/x-www-form-urlencoded",
                "json=" + URLEncoder.encode(form, StandardCharsets.UTF_8)).body().strip();
    }

    @Test
    void refusesAWebhookNameThatIsNotConfiguredNamingTheConfiguredOnes() throws Exception {
        // given a request naming a webhook the configuration does not have (one string: a list of one)
        controller.createPipeline("notify-unknown", """
                requestApproval(environment: 'prod', images: ['%s'], ticket: 'CHG-1', commitAuthor: 'carol',
                                sourceCommit: '4f1b2c3d4e5f60718293a4b5c6d7e8f901234567', notify: 'release')
                """.formatted(IMAGE));

        // when
        Controller.Build build = controller.build("notify-unknown", BUILD_TIMEOUT);

        // then the step failed at once, naming the webhooks that are configured, and opened no request
        assertThat(build.result()).isEqualTo("FAILURE");
        assertThat(build.console()).contains("requestApproval: notify: webhook 'release' is not in the global configuration "
                + "(secureDelivery.webhooks); configured: releases, oncall, down");
        assertThat(build.json().toString()).doesNotContain("\"approvals\"");
    }

    @Test
    void continuesOnceTwoOtherPeopleApproveAndRefusesTheStartersOwnApproval() throws Exception {
        // given a release waiting for approval to prod (two approvals, a change ticket), started by the admin
        controller.createPipeline("approve", """
                def approval = requestApproval(environment: 'prod', images: ['%s'], ticket: 'CHG-1234', commitAuthor: 'carol',
                                               sourceCommit: '4f1b2c3d4e5f60718293a4b5c6d7e8f901234567', message: 'Release 1.4.1')
                echo "approved by ${approval.approvers.join(',')}"
                """.formatted(IMAGE));
        int number = controller.trigger("approve", BUILD_TIMEOUT);
        String id = awaitPendingApproval("approve", number);

        // when the admin, who started the run, approves, then alice, then bob
        HttpResponse<String> self = decide(ADMIN, adminPassword, "approve", number, "approve", id);
        HttpResponse<String> alice = decide("alice", alicePassword, "approve", number, "approve", id);
        HttpResponse<String> bob = decide("bob", bobPassword, "approve", number, "approve", id);
        Controller.Build build = controller.await("approve", number, BUILD_TIMEOUT);

        // then the admin's approval was refused, saying why; the others' counted
        assertThat(self.statusCode()).isEqualTo(403);
        assertThat(self.body()).contains("your approval does not count: no self-approval").contains("started the run");
        assertThat(alice.statusCode()).as(alice.body()).isEqualTo(302);
        assertThat(bob.statusCode()).as(bob.body()).isEqualTo(302);
        // and the build went on with the approvers returned
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("approved by alice,bob");
        JsonNode approval = build.exported("approvals").get(0);
        assertThat(approval.path("status").asText()).isEqualTo("APPROVED");
        assertThat(approval.path("ticket").asText()).isEqualTo("CHG-1234");
        // and api/json lists every decision as data: who, what, when, and whether it counted and why not
        JsonNode decisions = approval.path("decisions");
        assertThat(decisions.isArray()).as(decisions.toString()).isTrue();
        assertThat(decisions).extracting(d -> d.path("approver").asText()).containsExactly(ADMIN, "alice", "bob");
        assertThat(decisions).extracting(d -> d.path("decision").asText()).containsOnly("approve");
        assertThat(decisions).extracting(d -> d.path("counted").asBoolean()).containsExactly(false, true, true);
        assertThat(decisions.get(0).path("reason").asText()).contains("no self-approval");
        assertThat(decisions.get(1).path("reason").isNull()).isTrue();
        assertThat(Instant.parse(decisions.get(1).path("time").asText())).isBeforeOrEqualTo(Instant.parse(decisions.get(2).path("time").asText()));
        assertThat(decisions.get(1).path("groups").toString()).contains("authenticated");
        // while the run keeps them in the form runs saved before always had: one JSON string, which they still load from
        assertThat(controller.homeFile("jobs/approve/builds/" + number + "/build.xml")).containsPattern("<decisions>\\[\\s*\\{");
    }

    @Test
    void refusesTheCommitAuthorByTheirEmailAndAnyoneThePolicyNeitherNamesNorGroups() throws Exception {
        // given a policy naming the group cab and the user alice (the controller's own user database has no groups), and a
        // release whose commit author is given as git prints it, "Name <email>": carol, whose Jenkins e-mail that is
        controller.createPipeline("named", """
                def approval = requestApproval(environment: 'named-prod', images: ['%s'], commitAuthor: 'Carol Author <carol@example.com>',
                                               sourceCommit: '4f1b2c3d4e5f60718293a4b5c6d7e8f901234567')
                echo "approved by ${approval.approvers.join(',')}"
                """.formatted(IMAGE));
        int number = controller.trigger("named", BUILD_TIMEOUT);
        String id = awaitPendingApproval("named", number);

        // when carol approves, then bob, then alice
        HttpResponse<String> carol = decide("carol", carolPassword, "named", number, "approve", id);
        HttpResponse<String> bob = decide("bob", bobPassword, "named", number, "approve", id);
        HttpResponse<String> alice = decide("alice", alicePassword, "named", number, "approve", id);
        Controller.Build build = controller.await("named", number, BUILD_TIMEOUT);

        // then carol is refused as the commit author, bob as neither named nor in cab, and alice's approval settles it
        assertThat(carol.statusCode()).as(carol.body()).isEqualTo(403);
        assertThat(carol.body()).contains("no self-approval: carol is the commit author");
        assertThat(bob.statusCode()).as(bob.body()).isEqualTo(403);
        assertThat(bob.body()).contains("bob is neither named nor in any of the groups allowed to approve named-prod (cab, alice)");
        assertThat(alice.statusCode()).as(alice.body()).isEqualTo(302);
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("approved by alice");
    }

    @Test
    void refusesARequestWithoutTheChangeTicketThePolicyRequires() throws Exception {
        // given a request to prod without a change ticket
        controller.createPipeline("no-ticket", """
                requestApproval(environment: 'prod', images: ['%s'], commitAuthor: 'carol', sourceCommit: '4f1b2c3d4e5f60718293a4b5c6d7e8f901234567')
                echo 'waiting'
                """.formatted(IMAGE));

        // when
        Controller.Build build = controller.build("no-ticket", BUILD_TIMEOUT);

        // then it is refused at once, never left pending
        assertThat(build.result()).isEqualTo("FAILURE");
        assertThat(build.console()).contains("has no change ticket").doesNotContain("waiting");
    }

    @Test
    void refusesAWatchWithoutAnEnvironmentToRollBackSayingRollbackFalseOnlyWatches() throws Exception {
        // given a watch that names its cluster but no environment, and so nowhere to roll a failure back
        controller.createPipeline("no-rollback-env", """
                waitForCanary(rollout: 'checkout', namespace: 'shop', kubeconfigCredentialsId: 'nobody-stored-this',
                              kubernetesUrl: 'https://127.0.0.1:1')
                echo 'watching'
                """);

        // when
        Controller.Build build = controller.build("no-rollback-env", BUILD_TIMEOUT);

        // then it fails at once, saying why an environment is needed and how to only watch
        assertThat(build.result()).isEqualTo("FAILURE");
        assertThat(build.console()).contains("waitForCanary rolls a failed canary back in git, which needs environment:")
                .contains("rollback: false to only watch").doesNotContain("watching").doesNotContain("\tat ");
    }

    @Test
    void cancelsAWaitingApprovalWhenTheRunIsAbortedAndSaysWhoAbortedIt() throws Exception {
        // given a release waiting for approval to prod inside a try/finally
        controller.createPipeline("abort-approval", """
                try {
                  requestApproval(environment: 'prod', images: ['%s'], ticket: 'CHG-9', commitAuthor: 'carol',
                                  sourceCommit: '4f1b2c3d4e5f60718293a4b5c6d7e8f901234567')
                  echo 'promoting'
                } finally {
                  echo 'cleanup ran'
                }
                """.formatted(IMAGE));
        int number = controller.trigger("abort-approval", BUILD_TIMEOUT);
        awaitPendingApproval("abort-approval", number);

        // when the admin aborts the run while it waits
        controller.post("job/abort-approval/" + number + "/stop", null, "");
        Controller.Build build = controller.await("abort-approval", number, BUILD_TIMEOUT);

        // then the run is ABORTED, the finally block ran, and the request is CANCELLED saying who aborted it, in words
        assertThat(build.result()).as(build.console()).isEqualTo("ABORTED");
        assertThat(build.console()).contains("cleanup ran").doesNotContain("promoting");
        JsonNode approval = build.exported("approvals").get(0);
        assertThat(approval.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(approval.path("reason").asText()).isEqualTo("the run was stopped while waiting: Aborted by " + ADMIN)
                .doesNotContain("Exception");
        assertThat(controller.get("job/abort-approval/" + number + "/")).contains("Aborted by " + ADMIN).doesNotContain("FlowInterruptedException");
    }

    @Test
    void takesFabric8AndOkHttpFromTheApiPluginsOrBundlesThemWhenTheControllerLacksThem() throws Exception {
        // given the controller's plugins
        boolean provided = PluginPackage.installed(Path.of(System.getenv("JENKINS_PLUGINS"))).keySet().containsAll(PluginPackage.SUBSTITUTABLE);

        // when the .hpi was built for them
        List<String> bundled = new ArrayList<>();
        try (JarFile hpi = new JarFile(plugin.hpi().toFile())) {
            hpi.stream().map(ZipEntry::getName).filter(n -> n.startsWith("WEB-INF/lib/")).forEach(n -> bundled.add(n.substring("WEB-INF/lib/".length())));
        }

        // then fabric8 and OkHttp come from kubernetes-client-api and okhttp-api where the controller has them, and are
        // bundled (core's fabric8 6.14.0 with OkHttp 3.12.12) only where it does not; either way the canary tests ran on them
        if (provided) {
            assertThat(plugin.dependencies()).containsKeys("kubernetes-client-api", "okhttp-api");
            assertThat(bundled).noneMatch(jar -> jar.startsWith("kubernetes-") || jar.startsWith("okhttp-") || jar.startsWith("okio-")
                    || jar.startsWith("kotlin-") || jar.startsWith("zjsonpatch-"));
        } else {
            assertThat(plugin.dependencies()).doesNotContainKeys("kubernetes-client-api", "okhttp-api");
            assertThat(bundled).contains("kubernetes-client-api-6.14.0.jar", "kubernetes-client-6.14.0.jar",
                    "kubernetes-httpclient-okhttp-6.14.0.jar", "okhttp-3.12.12.jar", "okio-1.15.0.jar");
        }
        assertThat(bundled).contains("secure-delivery.jar").noneMatch(jar -> jar.startsWith("jackson-"));
    }

    @Test
    void writesTheSignedApprovalRecordThatPromotionRequiresAndRefusesItForAnotherDigest() throws Exception {
        // given a release waiting for approval to released-prod, whose approval records the environment's profile signs
        String other = "registry.example.com/org/medical-platform@" + GitOpsFixtures.digest("not approved");
        controller.createPipeline("approve-and-promote", """
                node('agent') {
                  def approval = requestApproval(environment: 'released-prod', images: ['%1$s'], commitAuthor: 'carol',
                                                 sourceCommit: '4f1b2c3d4e5f60718293a4b5c6d7e8f901234567')
                  echo "record: ${approval.record}"
                  def commit = promoteOverlay(environment: 'released-prod', images: ['%2$s=%1$s'], approval: approval.record,
                                              approvalPublicKeyCredentialsId: 'cosign-pub')
                  echo "promoted: ${commit}"
                  evidenceBundle(image: '%1$s', approvals: [approval.record], profile: 'release', archive: false)
                  try {
                    promoteOverlay(environment: 'released-prod', images: ['%2$s=%3$s'], approval: approval.record,
                                   approvalPublicKeyCredentialsId: 'cosign-pub')
                    echo 'promoted a digest nobody approved'
                  } catch (e) {
                    echo "refused: ${e.message}"
                  }
                  try {
                    promoteOverlay(environment: 'released-prod', images: ['%2$s=%1$s'], approval: approval.record,
                                   approvalPublicKeyCredentialsId: 'stranger-pub')
                    echo 'promoted with a record the key did not sign'
                  } catch (e) {
                    echo "refused: ${e.message}"
                  }
                }
                """.formatted(IMAGE, GitOpsFixtures.APP, other));
        int number = controller.trigger("approve-and-promote", BUILD_TIMEOUT);
        String id = awaitPendingApproval("approve-and-promote", number);

        // when alice and bob approve
        assertThat(decide("alice", alicePassword, "approve-and-promote", number, "approve", id).statusCode()).isEqualTo(302);
        assertThat(decide("bob", bobPassword, "approve-and-promote", number, "approve", id).statusCode()).isEqualTo(302);
        Controller.Build build = controller.await("approve-and-promote", number, BUILD_TIMEOUT);

        // then the signed record was written into the agent's workspace, and verifies with our key as core's approval record
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("record: approval-released-prod.json");
        Path workspace = work.resolve("agent/workspace/approve-and-promote");
        ApprovalRecord record = ApprovalRecord.verify("approval-released-prod.json", Files.readAllBytes(workspace.resolve("approval-released-prod.json")),
                KeyFiles.readVerificationKey(ours.publicKeyFile()));
        assertThat(record.approvers()).containsExactly("alice", "bob");
        assertThat(record.request().images()).containsExactly(IMAGE);
        assertThat(build.exported("approvals").get(0).path("record").asText()).isEqualTo("approval-released-prod.json");

        // and the promotion it allowed is the head of the repository, with one Approved-By trailer per approver
        List<RevCommit> commits = GitOpsFixtures.commits(released);
        RevCommit head = commits.get(0);
        assertThat(build.console()).contains("promoted: " + head.getName());
        assertThat(head.getFullMessage()).contains(PromotionTrailers.APPROVED_BY + ": alice", PromotionTrailers.APPROVED_BY + ": bob")
                .contains(GitOpsFixtures.digest("1.4.1"));

        // and the evidence bundle holds the record as an approval
        EvidenceReport report = EvidenceBundle.verify(workspace.resolve("evidence.zip"), KeyFiles.readVerificationKey(ours.publicKeyFile()),
                ImageReference.parse(IMAGE));
        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.manifest().approvals()).containsExactly("approval-released-prod.json");

        // and the record was refused for a digest it does not approve and against a key that did not sign it, committing nothing
        assertThat(build.console()).contains("refused: approval-released-prod.json: does not approve " + GitOpsFixtures.digest("not approved"))
                .contains("refused: approval-released-prod.json: ")
                .doesNotContain("promoted a digest nobody approved").doesNotContain("promoted with a record the key did not sign");
        assertThat(GitOpsFixtures.commits(released).get(0).getName()).isEqualTo(head.getName());
        assertThat(build.console()).doesNotContain(keyPassword);
        assertThat(controller.homeFile("jobs/approve-and-promote/builds/" + number + "/build.xml")).doesNotContain(keyPassword);
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void resumesAWatchedCanaryAfterTheControllerRestartsKeepsTheVerdictsOfBothSidesAndRollsBackOnce() throws Exception {
        // given prod at release r3, whose canary (at 10 %, in a timed pause Argo ends by itself) was judged at least once
        promoteToProd("r3");
        String release = GitOpsFixtures.commits(bare).get(0).getName();
        cluster.startTimedCanary("restart-app", "7e6f5a4b3");
        controller.createPipeline("canary-across-restart", """
                waitForCanary(rollout: 'restart-app', namespace: '%s', environment: 'prod', policy: '''%s''')
                echo 'promoting to the next region anyway'
                """.formatted(RolloutCluster.NAMESPACE, policy("healthy")));
        int number = controller.trigger("canary-across-restart", BUILD_TIMEOUT);
        awaitLog("canary-across-restart", number, "Watching rollout/", "last verdict PASS");

        // when the controller restarts, the watch resumes and reads the rollout three times (judging it each time), and
        // then Argo's own analysis aborts the rollout
        cluster.readsWithToken("restart-app", clusterToken);
        Instant restart = Instant.now();
        controller.restart(Duration.ofSeconds(240));
        awaitLog("canary-across-restart", number, "Resuming the watch of rollout/", "last verdict PASS");
        cluster.awaitReadsWithToken("restart-app", clusterToken, 3, BUILD_TIMEOUT);
        cluster.failArgoAnalysis("restart-app");
        Controller.Build build = controller.await("canary-across-restart", number, BUILD_TIMEOUT);
        int reads = 3 + cluster.readsWithToken("restart-app", clusterToken);

        // then the same build resumed the watch once, from its saved state, and failed ROLLED_BACK without going on
        assertThat(build.result()).as(build.console()).isEqualTo("FAILURE");
        assertThat(build.console()).contains("Resuming build").containsOnlyOnce("Resuming the watch of rollout/platform-prod/restart-app")
                .contains("ROLLED_BACK").doesNotContain("promoting to the next region anyway");
        JsonNode canary = build.exported("canaries").get(0);
        assertThat(canary.path("status").asText()).isEqualTo("ROLLED_BACK");
        // and the verdicts from before and after the restart are all in the run's JSON and its log, one after another,
        // each over the 10 s before its poll; the first after the restart over less if the controller was down for less
        List<JsonNode> verdicts = new ArrayList<>();
        canary.path("verdicts").forEach(verdicts::add);
        assertThat(verdicts).anySatisfy(v -> assertThat(Instant.parse(v.path("to").asText())).isBefore(restart))
                .anySatisfy(v -> assertThat(Instant.parse(v.path("to").asText())).isAfter(restart));
        Instant resumed = verdicts.stream().map(v -> Instant.parse(v.path("to").asText())).filter(t -> t.isAfter(restart))
                .findFirst().orElseThrow();
        Instant previous = Instant.EPOCH;
        for (JsonNode v : verdicts) {
            Instant from = Instant.parse(v.path("from").asText());
            Instant to = Instant.parse(v.path("to").asText());
            assertThat(v.path("outcome").asText()).isEqualTo("PASS");
            assertThat(from).as("verdicts overlap: %s", verdicts).isAfterOrEqualTo(previous);
            if (to.equals(resumed)) {
                assertThat(Duration.between(from, to)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
            } else {
                assertThat(Duration.between(from, to)).as("window of %s", v).isEqualTo(Duration.ofSeconds(10));
            }
            assertThat(build.console()).contains(v.path("from").asText() + " to " + v.path("to").asText());
            previous = to;
        }
        // and one watch polled after the restart, not two: the resumed poll, one per 10 s after it, and at most one that
        // the stopping controller had begun
        Duration afterResuming = Duration.between(resumed, Instant.parse(canary.path("finishedAt").asText()));
        assertThat(reads).isBetween(4, (int) (afterResuming.toSeconds() / 10) + 2);
        // and prod was rolled back from r3 in git exactly once, by the commit the run names
        List<RevCommit> rollbacks = GitOpsFixtures.commits(bare).stream()
                .filter(c -> c.getFullMessage().contains("Rollback-Of: " + release)).toList();
        assertThat(rollbacks).hasSize(1);
        assertThat(rollbacks.get(0).getName()).isEqualTo(canary.path("rollbackCommit").asText())
                .isEqualTo(GitOpsFixtures.commits(bare).get(0).getName());
        assertThat(build.console()).doesNotContain(clusterToken).doesNotContain(JGitHttpServer.PASSWORD);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void resumesAWaitingApprovalAfterTheControllerRestartsAndCountsTheDecisionsOnBothSides() throws Exception {
        // given a request to prod that alice approved
        controller.createPipeline("approve-across-restart", """
                def approval = requestApproval(environment: 'prod', images: ['%s'], ticket: 'CHG-77', commitAuthor: 'carol',
                                               sourceCommit: '4f1b2c3d4e5f60718293a4b5c6d7e8f901234567')
                echo "approved by ${approval.approvers.join(',')}"
                """.formatted(IMAGE));
        int number = controller.trigger("approve-across-restart", BUILD_TIMEOUT);
        String id = awaitPendingApproval("approve-across-restart", number);
        assertThat(decide("alice", alicePassword, "approve-across-restart", number, "approve", id).statusCode()).isEqualTo(302);

        // when the controller is stopped and started again on the same JENKINS_HOME, and bob approves after that
        controller.restart(Duration.ofSeconds(240));
        assertThat(awaitPendingApproval("approve-across-restart", number)).isEqualTo(id);
        HttpResponse<String> bob = decide("bob", bobPassword, "approve-across-restart", number, "approve", id);
        Controller.Build build = controller.await("approve-across-restart", number, BUILD_TIMEOUT);

        // then the step resumed from the run's saved state: alice's approval was kept, bob's counted, the build went on
        assertThat(bob.statusCode()).as(bob.body()).isEqualTo(302);
        assertThat(build.result()).as(build.console()).isEqualTo("SUCCESS");
        assertThat(build.console()).contains("Resuming build").contains("approved by alice,bob");
        JsonNode decisions = build.exported("approvals").get(0).path("decisions");
        assertThat(decisions).extracting(d -> d.path("approver").asText()).containsExactly("alice", "bob");
        assertThat(decisions).extracting(d -> d.path("counted").asBoolean()).containsExactly(true, true);
    }

    /** Waits until the run's log shows {@code text} after the first line holding {@code after}. */
    private void awaitLog(String job, int number, String after, String text) throws Exception {
        long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
        String console = "";
        while (System.nanoTime() < deadline) {
            console = controller.get("job/" + job + "/" + number + "/consoleText");
            int start = console.indexOf(after);
            if (start >= 0 && console.indexOf(text, start) >= 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + text + "' after '" + after + "' in the log of " + job + " #" + number + ":\n" + console);
    }

    private String awaitPendingApproval(String job, int number) throws Exception {
        long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode run = controller.json("job/" + job + "/" + number + "/api/json?tree=actions[approvals[id,status]]");
            for (JsonNode action : run.path("actions")) {
                for (JsonNode approval : action.path("approvals")) {
                    if ("PENDING".equals(approval.path("status").asText())) {
                        return approval.path("id").asText();
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no pending approval on " + job + " #" + number + ":\n" + controller.get("job/" + job + "/" + number + "/consoleText"));
    }

    /** A user pressing a button of the run page: their own session, its CSRF crumb, and a POST of the form. */
    private HttpResponse<String> decide(String user, String password, String job, int number, String verdict, String id) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        JsonNode crumb = JSON.readTree(browser.send(HttpRequest.newBuilder(URI.create(controller.url() + "crumbIssuer/api/json"))
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString()).body());
        String form = "id=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&comment=" + URLEncoder.encode("checked the diff", StandardCharsets.UTF_8);
        return browser.send(HttpRequest.newBuilder(URI.create(controller.url() + "job/" + job + "/" + number + "/approval/" + verdict))
                .header("Authorization", basic).header(crumb.path("crumbRequestField").asText(), crumb.path("crumb").asText())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Core's test policy for the simulated traffic: one scenario's canary against its baseline, analysed every 10 s. */
    private static String policy(String scenario) {
        return """
                preset: http
                canary: 'scenario="%1$s", track="canary"'
                baseline: 'scenario="%1$s", track="baseline"'
                step: 1s
                rateWindow: 2s
                minRequests: 50
                minSamples: 6
                interval: 10s
                """.formatted(scenario);
    }

    private void promoteToProd(String word) {
        List<ImagePin> release = List.of(GitOpsFixtures.pin(GitOpsFixtures.APP, word));
        new Promotion().repository(bare.toString()).environment("prod").images(release).edit(GitOpsFixtures.pinning(release))
                .sourceCommit("src-" + word).workDirectory(work.resolve("promote-" + word)).call();
    }

    private String casc(int port, int agentPort, Path kubeconfig) {
        return """
                jenkins:
                  numExecutors: 0
                  slaveAgentPort: %13$d
                  nodes:
                    - permanent:
                        name: agent
                        labelString: agent
                        numExecutors: 2
                        remoteFS: "%14$s"
                        launcher:
                          inbound: {}
                  securityRealm:
                    local:
                      allowsSignup: false
                      users:
                        - id: "%1$s"
                          password: "%2$s"
                        - id: alice
                          password: "%3$s"
                        - id: bob
                          password: "%4$s"
                        - id: carol
                          password: "%20$s"
                          name: Carol Author
                          properties:
                            - mailer:
                                emailAddress: carol@example.com
                  authorizationStrategy:
                    loggedInUsersCanDoAnything:
                      allowAnonymousRead: false
                unclassified:
                  location:
                    url: "http://127.0.0.1:%5$d/"
                  secureDelivery:
                    environments:
                      - name: prod
                        repository: "%6$s"
                        credentialsId: gitops
                        branch: main
                        overlayPath: deploy/kustomize/overlays/prod
                        canaryPrometheus: cluster
                        kubernetesCredentialsId: kubeconfig
                        approvalPolicy: |
                          groups: [authenticated]
                          required: 2
                          ticket:
                            required: true
                            pattern: "CHG-\\\\d+"
                          expiresAfter: 1h
                      - name: named-prod
                        repository: "%6$s"
                        approvalPolicy: |
                          groups: [cab, alice]
                          required: 1
                          expiresAfter: 1h
                      - name: released-prod
                        repository: "%15$s"
                        credentialsId: gitops
                        branch: main
                        overlayPath: deploy/kustomize/overlays/prod
                        approvalSigningProfile: release
                        approvalPolicy: |
                          groups: [authenticated]
                          required: 2
                          expiresAfter: 1h
                    signingProfiles:
                      - name: release
                        keyCredentialsId: cosign-key
                        passwordCredentialsId: cosign-password
                    prometheusEndpoints:
                      - name: cluster
                        url: "%7$s"
                        credentialsId: prometheus
                    webhooks:
                      - name: releases
                        urlCredentialsId: slack-url
                        kind: SLACK
                      - name: oncall
                        urlCredentialsId: pagerduty-key
                        kind: PAGERDUTY
                      - name: down
                        urlCredentialsId: down-url
                        kind: GENERIC
                credentials:
                  system:
                    domainCredentials:
                      - credentials:
                          - usernamePassword:
                              scope: GLOBAL
                              id: gitops
                              username: "%8$s"
                              password: "%9$s"
                          - usernamePassword:
                              scope: GLOBAL
                              id: prometheus
                              username: "%10$s"
                              password: "%11$s"
                          - file:
                              scope: GLOBAL
                              id: kubeconfig
                              fileName: kubeconfig
                              secretBytes: "${readFileBase64:%12$s}"
                          - file:
                              scope: GLOBAL
                              id: cosign-key
                              fileName: cosign.key
                              secretBytes: "${readFileBase64:%16$s}"
                          - string:
                              scope: GLOBAL
                              id: cosign-password
                              secret: "%17$s"
                          - file:
                              scope: GLOBAL
                              id: cosign-pub
                              fileName: cosign.pub
                              secretBytes: "${readFileBase64:%18$s}"
                          - file:
                              scope: GLOBAL
                              id: stranger-pub
                              fileName: cosign.pub
                              secretBytes: "${readFileBase64:%19$s}"
                          - string:
                              scope: GLOBAL
                              id: slack-url
                              secret: "%21$s"
                          - string:
                              scope: GLOBAL
                              id: pagerduty-key
                              secret: "%22$s"
                          - string:
                              scope: GLOBAL
                              id: down-url
                              secret: "%23$s"
                """.formatted(ADMIN, adminPassword, alicePassword, bobPassword, port, git.url("gitops.git"), cluster.prometheusUrl(),
                JGitHttpServer.USER, JGitHttpServer.PASSWORD, RolloutCluster.PROMETHEUS_USER, RolloutCluster.PROMETHEUS_PASSWORD, kubeconfig,
                agentPort, work.resolve("agent"), git.url("released.git"), ours.privateKeyFile(), keyPassword, ours.publicKeyFile(),
                stranger.publicKeyFile(), carolPassword, receiver.url("/slack/services/T0/B0/" + slackToken),
                receiver.url("/pagerduty/v2/enqueue") + "#" + routingKey, "http://127.0.0.1:" + downPort + "/hooks/" + downToken);
    }

    /**
     * Slack, PagerDuty and any receiver in one real HTTP server: records each JSON body by the path's first segment and
     * answers as the service does (Slack 200 {@code ok}, PagerDuty 202).
     */
    private static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final List<Map.Entry<String, JsonNode>> received = new CopyOnWriteArrayList<>();

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getRawPath();
                    received.add(Map.entry(path, JSON.readTree(exchange.getRequestBody().readAllBytes())));
                    boolean pagerDuty = path.startsWith("/pagerduty/");
                    byte[] body = (pagerDuty ? "{\"status\":\"success\",\"message\":\"Event processed\"}" : "ok").getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(pagerDuty ? 202 : 200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        /** The first body received under {@code prefix} that {@code matches}, waiting for it up to the build timeout. */
        JsonNode await(String prefix, Predicate<JsonNode> matches) throws InterruptedException {
            long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (Map.Entry<String, JsonNode> r : received) {
                    if (r.getKey().startsWith(prefix) && matches.test(r.getValue())) {
                        return r.getValue();
                    }
                }
                Thread.sleep(200);
            }
            throw new AssertionError("nothing matching was received under " + prefix + "; received: " + received);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
