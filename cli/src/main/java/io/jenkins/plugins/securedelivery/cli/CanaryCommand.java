package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.Durations;
import io.jenkins.plugins.securedelivery.InputException;
import io.jenkins.plugins.securedelivery.canary.CanaryAnalysis;
import io.jenkins.plugins.securedelivery.canary.CanaryPolicy;
import io.jenkins.plugins.securedelivery.canary.CanaryResource;
import io.jenkins.plugins.securedelivery.canary.CanaryResult;
import io.jenkins.plugins.securedelivery.canary.CanaryVerdict;
import io.jenkins.plugins.securedelivery.canary.CanaryWatch;
import io.jenkins.plugins.securedelivery.canary.GitRollback;
import io.jenkins.plugins.securedelivery.canary.InconclusiveAction;
import io.jenkins.plugins.securedelivery.canary.KubernetesConnection;
import io.jenkins.plugins.securedelivery.canary.KubernetesConnectionException;
import io.jenkins.plugins.securedelivery.canary.Outcome;
import io.jenkins.plugins.securedelivery.canary.PollResult;
import io.jenkins.plugins.securedelivery.canary.PrometheusAnalysis;
import io.jenkins.plugins.securedelivery.canary.WatchSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code secure-delivery canary}: watches an Argo Rollouts or Flagger canary to its end, judging it with metrics;
 * promotes paused steps that pass, aborts a failing canary and rolls the environment back in git.
 */
@Command(name = "canary", mixinStandardHelpOptions = true, subcommands = CanaryAnalyzeCommand.class,
        description = {"Watch a progressive rollout (Argo Rollouts Rollout or Flagger Canary) until it ends: judge the canary",
                "with metrics every interval, promote a paused step that passes, abort a failing one and roll the environment",
                "back in git. Prints progress on stderr and the explained result on stdout.",
                "Exit 0 when the canary was promoted; 1 for every other end (rolled back, aborted, paused, timed out...).",
                "`canary analyze` runs one analysis on its own, without Kubernetes."})
final class CanaryCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--rollout", paramLabel = "NAME", description = "The Rollout (or Flagger Canary) to watch.")
    String rollout;

    @Option(names = {"--namespace", "-n"}, paramLabel = "NS", description = "Its namespace.")
    String namespace;

    @Option(names = "--kind", paramLabel = "rollout|flagger", description = "Argo Rollouts `rollout` (default) or Flagger `flagger`.")
    String kind = "rollout";

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config.")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "C", description = "The kubeconfig context. Default: its current-context.")
    String context;

    @Option(names = "--in-cluster", description = "Use the service account of the pod this runs in.")
    boolean inCluster;

    @Option(names = "--api-url", paramLabel = "URL", description = "The API server's https URL (with --token-file).")
    String apiUrl;

    @Option(names = "--token-file", paramLabel = "F", description = "File holding the bearer token, re-read on every request.")
    Path tokenFile;

    @Option(names = "--ca-file", paramLabel = "F", description = "PEM CA certificate of the API server. Default: the JVM's trusted CAs.")
    Path caFile;

    @Option(names = "--prometheus", paramLabel = "URL", description = "Prometheus to query for the canary analysis.")
    String prometheus;

    @Mixin
    PrometheusOptions prometheusAuth;

    @Option(names = "--policy", paramLabel = "FILE", description = "The canary policy: metrics, thresholds, interval, what inconclusive does (docs/canary.md). Default: the built-in policy.")
    Path policy;

    @Option(names = "--interval", paramLabel = "DURATION", description = "Time between polls, each with one analysis: 30s, 1m, PT1M. Default: the policy's interval.")
    String interval;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "The longest the watch may take. Default: 1h.")
    String timeout = "1h";

    @Option(names = "--inconclusive-limit", paramLabel = "N", description = "Inconclusive verdicts tolerated in a row. Default: the policy's inconclusive.limit over its interval.")
    Integer inconclusiveLimit;

    @Option(names = "--on-inconclusive", paramLabel = "fail|pause", description = "Beyond the limit: fail (abort, roll back) or pause the rollout. Default: the policy's inconclusive.then.")
    InconclusiveAction onInconclusive;

    @Option(names = "--full-promotion", description = "On a pass at an indefinite pause, promote fully instead of one step.")
    boolean fullPromotion;

    @Option(names = "--format", paramLabel = "text|json", description = "The result on stdout: text (default) or json.")
    String format = "text";

    @Option(names = "--rollback-repo", paramLabel = "URL", description = "GitOps repository to roll back in when the canary fails (with --env).")
    String rollbackRepo;

    @Option(names = "--env", paramLabel = "ENV", description = "The environment to roll back.")
    String environment;

    @Option(names = "--rollback-branch", paramLabel = "BRANCH", description = "The branch Argo CD follows. Default: the repository's default branch.")
    String rollbackBranch;

    @Option(names = "--rollback-path", paramLabel = "DIR", description = "The overlay directory. Default: deploy/kustomize/overlays/ENV.")
    String rollbackPath;

    @Option(names = "--git-username", paramLabel = "USER", description = "HTTPS user for the GitOps repository (with --git-token-env or --git-token-file).")
    String gitUsername;

    @Option(names = "--git-token-env", paramLabel = "VAR", description = "Environment variable holding the HTTPS token.")
    String gitTokenEnv;

    @Option(names = "--git-token-file", paramLabel = "FILE", description = "File holding the HTTPS token.")
    Path gitTokenFile;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "OpenSSH private key for ssh:// URLs (with --known-hosts).")
    Path sshKey;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts with the git server's host key.")
    Path knownHosts;

    @Option(names = "--run-url", paramLabel = "URL", description = "The pipeline run, recorded in the rollback commit.")
    String runUrl;

    private final CanaryAnalysis given;

    CanaryCommand() {
        this(null);
    }

    /** With the analysis to use instead of the one {@link #analysis} makes from the options. */
    CanaryCommand(CanaryAnalysis analysis) {
        this.given = analysis;
    }

    /**
     * The analysis the options ask for: Prometheus judged by the policy; or, without {@code --prometheus}, one whose every
     * verdict is inconclusive, so that a canary is never passed for lack of data.
     */
    private CanaryAnalysis analysis(CanaryPolicy rules) {
        if (given != null) {
            return given;
        }
        if (prometheus != null) {
            return new PrometheusAnalysis(rules, prometheusAuth.endpoint(prometheus, Duration.ofSeconds(10)));
        }
        return (target, from, to) -> new CanaryVerdict(Outcome.INCONCLUSIVE, 0,
                "no metric analysis was given (--prometheus): nothing can vouch for the canary", from, to, List.of());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (rollout == null || namespace == null) {
            err.println("secure-delivery: canary: give --rollout NAME and --namespace NS to watch a rollout, or run `canary analyze`");
            return SecureDelivery.BAD_INPUT;
        }
        try (KubernetesConnection cluster = connection()) {
            CanaryPolicy rules = policy != null ? CanaryPolicy.load(policy) : CanaryPolicy.defaults();
            WatchSettings fromPolicy = WatchSettings.from(rules, interval != null ? duration("--interval", interval) : null,
                    duration("--timeout", timeout), fullPromotion);
            WatchSettings settings = new WatchSettings(fromPolicy.interval(),
                    inconclusiveLimit != null ? inconclusiveLimit : fromPolicy.inconclusiveLimit(),
                    onInconclusive != null ? onInconclusive : fromPolicy.onInconclusive(), fromPolicy.timeout(), fullPromotion);
            CanaryResource resource = new CanaryResource(controller(), namespace, rollout);
            CanaryWatch watch = CanaryWatch.start(cluster, resource, analysis(rules), settings, rollback());
            err.println("watching " + resource.display() + " through " + cluster + ", every " + settings.interval());
            PollResult step = watch.poll(Instant.now());
            String shown = null;
            while (step instanceof PollResult.Again again) {
                String line = progress(again);
                if (!line.equals(shown)) {
                    err.println(line);
                    shown = line;
                }
                Thread.sleep(again.after().toMillis());
                step = watch.poll(Instant.now());
            }
            CanaryResult result = ((PollResult.Done) step).result();
            out.print("json".equals(format) ? result.toJson() + System.lineSeparator() : result.toText());
            return result.passed() ? 0 : SecureDelivery.FAILED_CHECK;
        } catch (InputException | IllegalArgumentException e) {
            err.println("secure-delivery: " + e.getMessage());
            return SecureDelivery.BAD_INPUT;
        }
    }

    private static String progress(PollResult.Again again) {
        var state = again.state();
        var last = state.verdicts().isEmpty() ? null : state.verdicts().get(state.verdicts().size() - 1);
        return String.format(Locale.ROOT, "  %s%s%s", state.lastObserved() == null ? "" : state.lastObserved(),
                state.revision() == null ? " (waiting for a canary)" : "",
                last == null ? "" : " | last verdict " + last.outcome() + ": " + last.reason());
    }

    private CanaryResource.Controller controller() {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "rollout", "argo", "argo-rollouts" -> CanaryResource.Controller.ARGO_ROLLOUTS;
            case "flagger", "canary" -> CanaryResource.Controller.FLAGGER;
            default -> throw new IllegalArgumentException("--kind " + kind + ": not a kind of rollout this watches; give"
                    + " rollout (Argo Rollouts) or flagger");
        };
    }

    private KubernetesConnection connection() {
        int ways = (inCluster ? 1 : 0) + (apiUrl != null ? 1 : 0) + (kubeconfig != null ? 1 : 0);
        if (ways > 1) {
            throw new KubernetesConnectionException("--kubeconfig, --in-cluster, --api-url", "more than one way to reach"
                    + " the cluster was given", "give one of them");
        }
        if (inCluster) {
            return KubernetesConnection.inCluster();
        }
        if (apiUrl != null) {
            if (tokenFile == null) {
                throw new KubernetesConnectionException("--api-url " + apiUrl, "no --token-file was given",
                        "give the file holding the bearer token");
            }
            return KubernetesConnection.tokenFile(apiUrl, tokenFile, caFile);
        }
        Path file = kubeconfig;
        if (file == null) {
            String variable = System.getenv("KUBECONFIG");
            file = variable != null && !variable.isBlank() ? Path.of(variable.split(java.io.File.pathSeparator)[0])
                    : Path.of(System.getProperty("user.home"), ".kube", "config");
            if (!Files.exists(file)) {
                throw new KubernetesConnectionException("kubeconfig " + file, "does not exist",
                        "give --kubeconfig FILE, --in-cluster, or --api-url URL --token-file F");
            }
        }
        return KubernetesConnection.kubeconfig(file, context);
    }

    private GitRollback rollback() throws java.io.IOException {
        if (rollbackRepo == null && environment == null) {
            return null;
        }
        if (rollbackRepo == null || environment == null) {
            throw new IllegalArgumentException("--rollback-repo and --env go together: give both to roll back in git, or"
                    + " neither to only stop the rollout");
        }
        GitOpsOptions git = new GitOpsOptions();
        git.repository = rollbackRepo;
        git.environment = environment;
        git.username = gitUsername;
        git.tokenEnv = gitTokenEnv;
        git.tokenFile = gitTokenFile;
        git.sshKey = sshKey;
        git.knownHosts = knownHosts;
        return new GitRollback(rollbackRepo, rollbackBranch, environment, rollbackPath, git.credentials(), runUrl, null);
    }

    /** 30s, 5m, 1h, or ISO-8601 (PT30S); positive. */
    static Duration duration(String option, String text) {
        return Durations.parse(text).orElseThrow(() -> new IllegalArgumentException(option + " " + text
                + ": not a positive duration; give 30s, 5m, 1h or PT30S"));
    }
}
