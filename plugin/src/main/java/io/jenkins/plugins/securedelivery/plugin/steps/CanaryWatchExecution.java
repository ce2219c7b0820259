package io.jenkins.plugins.securedelivery.plugin.steps;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.AbortException;
import hudson.model.Computer;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.Durations;
import io.jenkins.plugins.securedelivery.canary.CanaryAnalysis;
import io.jenkins.plugins.securedelivery.canary.CanaryPolicy;
import io.jenkins.plugins.securedelivery.canary.CanaryResource;
import io.jenkins.plugins.securedelivery.canary.CanaryResult;
import io.jenkins.plugins.securedelivery.canary.CanaryVerdict;
import io.jenkins.plugins.securedelivery.canary.CanaryWatch;
import io.jenkins.plugins.securedelivery.canary.GitRollback;
import io.jenkins.plugins.securedelivery.canary.KubernetesConnection;
import io.jenkins.plugins.securedelivery.canary.Outcome;
import io.jenkins.plugins.securedelivery.canary.PollResult;
import io.jenkins.plugins.securedelivery.canary.PrometheusAnalysis;
import io.jenkins.plugins.securedelivery.canary.SeenVerdict;
import io.jenkins.plugins.securedelivery.canary.WatchSettings;
import io.jenkins.plugins.securedelivery.canary.WatchState;
import io.jenkins.plugins.securedelivery.gitops.GitCredentials;
import io.jenkins.plugins.securedelivery.notify.Link;
import io.jenkins.plugins.securedelivery.notify.Notification;
import io.jenkins.plugins.securedelivery.plugin.actions.CanaryAction;
import io.jenkins.plugins.securedelivery.plugin.config.Environment;
import io.jenkins.plugins.securedelivery.plugin.config.PrometheusEndpoint;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jenkins.util.Timer;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * {@code waitForCanary} as ARCHITECTURE principle 4 asks: a {@link CanaryWatch} polled on Jenkins' {@link Timer}, holding
 * no executor and no thread between polls. Only the request and the watch's state (about 1 KB of JSON) are kept in
 * the Pipeline's program, so after a controller restart {@link #onResume()} goes on from the last state.
 *
 * <p>Where it runs: the Timer only times the polls; each poll (a read of the rollout, at most one Prometheus query
 * set, both with 10 s timeouts; on a failure one clone and push of the GitOps repository in a temporary directory) runs
 * on Jenkins' cached I/O pool ({@link Computer#threadPoolForRemoting}), so a slow cluster never holds up the
 * controller's other timer tasks. No workspace or agent is needed.
 */
final class CanaryWatchExecution extends StepExecution {

    private static final long serialVersionUID = 1L;
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    /** The step's parameters, as the Pipeline program keeps them. A class, not a record: the program is written by JBoss Marshalling, which cannot read a package-private record's components. */
    static final class Request implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String environment;
        private final String rollout;
        private final String namespace;
        private final String kind;
        private final String prometheus;
        private final String policy;
        private final String kubeconfigCredentialsId;
        private final String kubernetesUrl;
        private final String interval;
        private final String timeout;
        private final boolean fullPromotion;
        private final boolean rollback;
        private final String repository;
        private final String credentialsId;
        private final String branch;
        private final String overlayPath;
        private final List<String> notify;

        Request(String environment, String rollout, String namespace, String kind, String prometheus, String policy, String kubeconfigCredentialsId, String kubernetesUrl, String interval, String timeout, boolean fullPromotion, boolean rollback, String repository, String credentialsId, String branch, String overlayPath, List<String> notify) {
            this.environment = environment;
            this.rollout = rollout;
            this.namespace = namespace;
            this.kind = kind;
            this.prometheus = prometheus;
            this.policy = policy;
            this.kubeconfigCredentialsId = kubeconfigCredentialsId;
            this.kubernetesUrl = kubernetesUrl;
            this.interval = interval;
            this.timeout = timeout;
            this.fullPromotion = fullPromotion;
            this.rollback = rollback;
            this.repository = repository;
            this.credentialsId = credentialsId;
            this.branch = branch;
            this.overlayPath = overlayPath;
            this.notify = notify;
        }

        List<String> webhooks() {
            return notify;
        }

        String environment() {
            return environment;
        }

        String rollout() {
            return rollout;
        }

        String namespace() {
            return namespace;
        }

        String kind() {
            return kind;
        }

        String prometheus() {
            return prometheus;
        }

        String policy() {
            return policy;
        }

        String kubeconfigCredentialsId() {
            return kubeconfigCredentialsId;
        }

        String kubernetesUrl() {
            return kubernetesUrl;
        }

        String interval() {
            return interval;
        }

        String timeout() {
            return timeout;
        }

        boolean fullPromotion() {
            return fullPromotion;
        }

        boolean rollback() {
            return rollback;
        }

        String repository() {
            return repository;
        }

        String credentialsId() {
            return credentialsId;
        }

        String branch() {
            return branch;
        }

        String overlayPath() {
            return overlayPath;
        }
    }

    private final Request request;
    /** The watch's {@link WatchState} as JSON: what a restart resumes from. */
    private String state;
    /** The last progress line logged, so the log gets a line only when something changes. */
    private String shown;
    /** The webhooks told of the result, checked at the start; null in a program saved before notify existed. */
    private Notifier notifier;
    private transient volatile ScheduledFuture<?> next;
    private transient Watching watching;
    @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED", justification = "false after a restart: the resumed watch has not finished")
    private transient boolean finished;

    CanaryWatchExecution(StepContext context, Request request) {
        super(context);
        this.request = request;
    }

    @Override
    public boolean start() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        TaskListener listener = getContext().get(TaskListener.class);
        // Everything the watch needs is resolved now, so a typo fails the step before anything is polled.
        Notifier notifying = Notifier.of("waitForCanary", request.webhooks());
        Watching w = Watching.resolve(request, run);
        synchronized (this) {
            notifier = notifying;
            watching = w;
            state = WatchState.start(w.resource).toJson();
        }
        listener.getLogger().println("Watching " + w.resource.display() + " through " + w.cluster + ", every "
                + Durations.text(w.settings.interval()) + " for at most " + Durations.text(w.settings.timeout()) + "; " + w.describeAnalysis() + "; "
                + (w.git == null ? "no rollback in git" : "a failure is rolled back in " + w.git));
        schedule(Duration.ZERO);
        return false;
    }

    @Override
    public void onResume() {
        schedule(Duration.ZERO);
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        synchronized (this) {
            finished = true;
            cancelNext();
            closeWatching();
        }
        getContext().onFailure(cause);
    }

    @Override
    public String getStatus() {
        String s = state;
        return s == null ? "starting" : "watching: " + WatchState.fromJson(s).lastObserved();
    }

    private void schedule(Duration after) {
        next = Timer.get().schedule(() -> Computer.threadPoolForRemoting.submit(this::poll), after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelNext() {
        ScheduledFuture<?> n = next;
        if (n != null) {
            n.cancel(false);
        }
    }

    private synchronized void poll() {
        if (finished) {
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        // fabric8 finds its HTTP client through ServiceLoader, which looks in the context class loader first.
        thread.setContextClassLoader(CanaryWatchExecution.class.getClassLoader());
        try {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            if (watching == null) {
                watching = Watching.resolve(request, run);
                listener.getLogger().println("Resuming the watch of " + watching.resource.display() + " after a restart, from its saved state ("
                        + WatchState.fromJson(state).verdicts().size() + " verdict(s) so far)");
                // The next progress line is logged even if unchanged, so the log shows where the watch stands after the restart.
                shown = null;
            }
            PollResult result;
            // Only an SSH rollback needs files (its key and known_hosts), and only for the length of this poll.
            SecretFiles files = watching.git != null && watching.git.sshPrivateKey() != null ? new SecretFiles() : null;
            try {
                CanaryWatch watch = CanaryWatch.resume(WatchState.fromJson(state), watching.cluster, watching.analysis,
                        watching.settings, watching.rollback(files, ReleaseCommits.runUrl(run)));
                result = watch.poll(Instant.now());
            } finally {
                if (files != null) {
                    files.close();
                }
            }
            if (result instanceof PollResult.Again again) {
                state = again.state().toJson();
                String line = progress(again.state());
                if (!line.equals(shown)) {
                    listener.getLogger().println(line);
                    shown = line;
                }
                getContext().saveState();
                schedule(again.after());
            } else {
                finish(((PollResult.Done) result).result(), run, listener);
            }
        } catch (Exception | LinkageError e) {
            finished = true;
            closeWatching();
            getContext().onFailure(e);
        } finally {
            thread.setContextClassLoader(caller);
        }
    }

    private void finish(CanaryResult result, Run<?, ?> run, TaskListener listener) throws IOException {
        finished = true;
        closeWatching();
        listener.getLogger().print(result.toText());
        List<CanaryAction.Verdict> verdicts = new ArrayList<>();
        for (SeenVerdict v : result.verdicts()) {
            verdicts.add(new CanaryAction.Verdict(v.outcome().name(), v.score(), v.from().toString(), v.to().toString(), v.reason()));
        }
        CanaryAction.record(run, new CanaryAction.Canary(result.resource().display(), request.environment(), result.status().name(),
                result.passed(), result.reason(), result.revision(), result.rollbackCommit(), result.finishedAt().toString(), verdicts));
        run.save();
        if (notifier != null && !notifier.isEmpty()) {
            // Sent before the step ends, on this pool thread, so its log line is in the build's log; core bounds the retries.
            notifier.send(run, listener, message(result, run));
        }
        if (result.passed()) {
            getContext().onSuccess(returned(result));
        } else {
            getContext().onFailure(new AbortException("canary " + result.resource().display() + " ended " + result.status() + ": "
                    + result.reason()));
        }
    }

    /**
     * The result as the on-call channel reads it. PagerDuty: a failed canary opens an alert for this rollout and
     * environment, an inconclusive one a warning, a promoted one resolves it; a superseded one says nothing.
     */
    private Notifier.Message message(CanaryResult result, Run<?, ?> run) {
        String rollout = result.resource().display();
        String where = request.environment() == null ? "" : " in " + request.environment();
        String title = "Canary " + result.status() + ": " + rollout + where + " (" + run.getFullDisplayName() + ")";
        StringBuilder text = new StringBuilder("*Result:* ").append(result.status()).append(": ").append(result.reason());
        if (result.revision() != null) {
            text.append("\n*Revision:* ").append(result.revision());
        }
        if (result.rollbackCommit() != null) {
            text.append("\n*Rollback commit:* `").append(result.rollbackCommit()).append('`');
        }
        text.append("\n*Verdicts:* ").append(result.verdicts().size());
        if (!result.verdicts().isEmpty()) {
            SeenVerdict last = result.verdicts().get(result.verdicts().size() - 1);
            text.append(", the last ").append(last.outcome()).append(": ").append(last.reason());
        }
        String page = ReleaseCommits.runUrl(run);
        List<Link> links = page == null ? List.of() : List.of(Link.plain("Open the run", page));
        Notifier.PagerDuty pagerDuty = switch (result.status()) {
            case PROMOTED -> Notifier.PagerDuty.RESOLVE;
            case ROLLED_BACK, ABORTED -> Notifier.PagerDuty.TRIGGER_ERROR;
            case SUPERSEDED -> Notifier.PagerDuty.NOTHING;
            default -> Notifier.PagerDuty.TRIGGER_WARNING;
        };
        String source = (request.environment() == null ? "" : request.environment() + "/") + rollout;
        return new Notifier.Message("canary " + result.status(), new Notification(title, text.toString(), links), pagerDuty,
                "canary/" + source, source);
    }

    /** The step's value: plain maps and lists, as a Pipeline script reads them. */
    private static Map<String, Object> returned(CanaryResult result) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("status", result.status().name());
        map.put("passed", result.passed());
        map.put("reason", result.reason());
        map.put("rollout", result.resource().display());
        map.put("revision", result.revision());
        map.put("rollbackCommit", result.rollbackCommit());
        List<Map<String, Object>> verdicts = new ArrayList<>();
        for (SeenVerdict v : result.verdicts()) {
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("outcome", v.outcome().name());
            verdict.put("score", v.score());
            verdict.put("from", v.from().toString());
            verdict.put("to", v.to().toString());
            verdict.put("reason", v.reason());
            verdicts.add(verdict);
        }
        map.put("verdicts", verdicts);
        return map;
    }

    private static String progress(WatchState state) {
        SeenVerdict last = state.verdicts().isEmpty() ? null : state.verdicts().get(state.verdicts().size() - 1);
        return String.format(Locale.ROOT, "  %s%s%s", state.lastObserved() == null ? "" : state.lastObserved(),
                state.revision() == null ? " (waiting for a canary)" : "",
                last == null ? "" : " | last verdict " + last.outcome() + ": " + last.reason());
    }

    private void closeWatching() {
        if (watching != null) {
            watching.cluster.close();
            watching = null;
        }
    }

    /** What a watch uses between polls, resolved from the request, the global configuration and credentials. */
    private static final class Watching {
        final CanaryResource resource;
        final KubernetesConnection cluster;
        final CanaryAnalysis analysis;
        final String prometheus;
        final WatchSettings settings;
        final GitAccess git;

        private Watching(CanaryResource resource, KubernetesConnection cluster, CanaryAnalysis analysis, String prometheus,
                         WatchSettings settings, GitAccess git) {
            this.resource = resource;
            this.cluster = cluster;
            this.analysis = analysis;
            this.prometheus = prometheus;
            this.settings = settings;
            this.git = git;
        }

        static Watching resolve(Request request, Run<?, ?> run) throws IOException {
            if (request.rollout() == null || request.namespace() == null) {
                throw new AbortException("waitForCanary: give rollout: 'NAME' and namespace: 'NS' of the Argo Rollout (or Flagger Canary) to watch");
            }
            Environment environment = request.environment() == null ? null
                    : SecureDeliveryConfiguration.get().environment(request.environment()).orElse(null);
            CanaryResource resource;
            try {
                resource = new CanaryResource(controller(request.kind()), request.namespace(), request.rollout());
            } catch (IllegalArgumentException e) {
                throw new AbortException("waitForCanary: " + e.getMessage());
            }
            CanaryPolicy policy;
            try {
                policy = request.policy() == null ? CanaryPolicy.defaults() : CanaryPolicy.parse(request.policy(), "policy: of waitForCanary");
            } catch (RuntimeException e) {
                throw new AbortException(e.getMessage());
            }
            Duration timeout = StepDurations.parse("timeout", request.timeout());
            String interval = request.interval() != null ? request.interval() : environment == null ? null : environment.getCanaryInterval();
            WatchSettings settings;
            try {
                settings = WatchSettings.from(policy, interval == null ? null : StepDurations.parse("interval", interval), timeout,
                        request.fullPromotion());
            } catch (IllegalArgumentException e) {
                throw new AbortException("waitForCanary: " + e.getMessage());
            }
            String prometheusName = request.prometheus() != null ? request.prometheus() : environment == null ? null : environment.getCanaryPrometheus();
            CanaryAnalysis analysis = analysis(run, policy, prometheusName);
            if (request.rollback() && request.environment() == null) {
                throw new AbortException("waitForCanary rolls a failed canary back in git, which needs environment: 'prod' (an environment "
                        + "of the global configuration, whose GitOps repository is rolled back): give it, or rollback: false to only watch");
            }
            GitAccess git = request.rollback() ? GitAccess.resolve(run, request.environment(), request.repository(),
                    request.credentialsId(), request.branch(), request.overlayPath()) : null;
            return new Watching(resource, connect(run, request, environment), analysis, prometheusName, settings, git);
        }

        String describeAnalysis() {
            return prometheus == null ? "no Prometheus: every verdict is inconclusive, so the canary cannot pass"
                    : "analysis by Prometheus '" + prometheus + "'";
        }

        GitRollback rollback(SecretFiles files, String runUrl) throws IOException {
            if (git == null) {
                return null;
            }
            GitCredentials credentials;
            if (git.sshPrivateKey() != null) {
                credentials = GitCredentials.sshKey(files.write("id_gitops", git.sshPrivateKey()), files.write("known_hosts", git.knownHosts()));
            } else if (git.username() != null) {
                credentials = GitCredentials.token(git.username(), git.token());
            } else {
                credentials = GitCredentials.none();
            }
            return new GitRollback(git.repository(), git.branch(), git.environment(), git.overlayPath(), credentials, runUrl, null);
        }

        private static CanaryResource.Controller controller(String kind) throws AbortException {
            return switch (kind.toLowerCase(Locale.ROOT)) {
                case "rollout", "argo", "argo-rollouts" -> CanaryResource.Controller.ARGO_ROLLOUTS;
                case "flagger", "canary" -> CanaryResource.Controller.FLAGGER;
                default -> throw new AbortException("waitForCanary: kind: '" + kind + "' is not a kind of rollout this step watches: "
                        + "give 'rollout' (Argo Rollouts) or 'flagger'");
            };
        }

        /** Without Prometheus every verdict is inconclusive, so a canary is never passed for lack of metrics. */
        private static CanaryAnalysis analysis(Run<?, ?> run, CanaryPolicy policy, String name) throws AbortException {
            if (name == null) {
                return (target, from, to) -> new CanaryVerdict(Outcome.INCONCLUSIVE, 0,
                        "no Prometheus endpoint was given (prometheus: or the environment's canaryPrometheus): nothing can vouch for the canary",
                        from, to, List.of());
            }
            PrometheusEndpoint configured = SecureDeliveryConfiguration.get().prometheusEndpoint(name).orElseThrow(() -> new AbortException(
                    "waitForCanary: Prometheus endpoint '" + name + "' is not in the global configuration (secureDelivery.prometheusEndpoints): add it there"));
            io.jenkins.plugins.securedelivery.canary.PrometheusEndpoint endpoint;
            try {
                endpoint = io.jenkins.plugins.securedelivery.canary.PrometheusEndpoint.of(configured.getUrl()).withTimeout(QUERY_TIMEOUT);
            } catch (IllegalArgumentException e) {
                throw new AbortException("Prometheus endpoint '" + name + "': " + e.getMessage());
            }
            if (configured.getCredentialsId() != null) {
                IdCredentials c = StepCredentials.findAny(run, configured.getCredentialsId(), "Prometheus endpoint " + name,
                        StandardUsernamePasswordCredentials.class, StringCredentials.class);
                endpoint = c instanceof StandardUsernamePasswordCredentials up
                        ? endpoint.withBasicAuth(up.getUsername(), up.getPassword().getPlainText())
                        : endpoint.withBearerToken(((StringCredentials) c).getSecret().getPlainText());
            }
            return new PrometheusAnalysis(policy, endpoint);
        }

        private static KubernetesConnection connect(Run<?, ?> run, Request request, Environment environment) throws IOException {
            String id = request.kubeconfigCredentialsId() != null ? request.kubeconfigCredentialsId()
                    : environment == null ? null : environment.getKubernetesCredentialsId();
            if (id == null) {
                throw new AbortException("waitForCanary: no Kubernetes credentials: give kubeconfigCredentialsId: (a secret file holding a "
                        + "kubeconfig, or a secret text token), or set the environment's kubernetesCredentialsId");
            }
            IdCredentials c = StepCredentials.findAny(run, id, "Kubernetes cluster", FileCredentials.class, StringCredentials.class);
            try {
                if (c instanceof FileCredentials file) {
                    // The kubeconfig is read once, here; the copy on disk lives only as long as this call.
                    try (SecretFiles files = new SecretFiles()) {
                        Path kubeconfig = files.write("kubeconfig", new String(StepCredentials.content(file), StandardCharsets.UTF_8));
                        return KubernetesConnection.kubeconfig(kubeconfig, null);
                    }
                }
                String url = request.kubernetesUrl() != null ? request.kubernetesUrl() : environment == null ? null : environment.getKubernetesUrl();
                if (url == null) {
                    throw new AbortException("waitForCanary: credentials '" + id + "' are a token, and no API server was given: add "
                            + "kubernetesUrl: 'https://...' to the step or the environment");
                }
                return KubernetesConnection.token(url, ((StringCredentials) c).getSecret().getPlainText(), null);
            } catch (RuntimeException e) {
                if (e.getClass().getName().startsWith("io.jenkins.plugins.securedelivery.")) {
                    throw new AbortException("waitForCanary: " + e.getMessage());
                }
                throw e;
            }
        }
    }
}
