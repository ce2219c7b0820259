package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code waitForCanary(rollout: 'medical-platform', namespace: 'platform-prod', environment: 'prod')}: follows an Argo
 * Rollouts (or Flagger) canary to its end, judging it with the environment's Prometheus every interval, promoting
 * paused steps that pass, and on a failure aborting the rollout and rolling the environment back in git. Returns the
 * result as a map when the canary was promoted; fails the step otherwise. With {@code notify: ['oncall']} the named
 * webhooks are told how it ended. Waits without an executor or a thread.
 */
public final class WaitForCanaryStep extends GitOpsStep {

    private final String rollout;
    private final String namespace;
    private String kind = "rollout";
    private String prometheus;
    private String policy;
    private String kubeconfigCredentialsId;
    private String kubernetesUrl;
    private String interval;
    private String timeout = "1h";
    private List<String> notify = new ArrayList<>();
    private boolean fullPromotion;
    private boolean rollback = true;

    @DataBoundConstructor
    public WaitForCanaryStep(String rollout, String namespace, String environment) {
        super(environment);
        this.rollout = Util.fixEmptyAndTrim(rollout);
        this.namespace = Util.fixEmptyAndTrim(namespace);
    }

    public String getRollout() {
        return rollout;
    }

    public String getNamespace() {
        return namespace;
    }

    public String getKind() {
        return kind;
    }

    /** {@code rollout} (Argo Rollouts, the default) or {@code flagger}. */
    @DataBoundSetter
    public void setKind(String kind) {
        this.kind = Util.fixEmptyAndTrim(kind) == null ? "rollout" : kind.trim();
    }

    public String getPrometheus() {
        return prometheus;
    }

    /** A Prometheus endpoint of the global configuration; default: the environment's canaryPrometheus. */
    @DataBoundSetter
    public void setPrometheus(String prometheus) {
        this.prometheus = Util.fixEmptyAndTrim(prometheus);
    }

    public String getPolicy() {
        return policy;
    }

    /** The canary policy as YAML text (docs/canary.md), e.g. {@code policy: readFile('canary-policy.yaml')}. */
    @DataBoundSetter
    public void setPolicy(String policy) {
        this.policy = Util.fixEmptyAndTrim(policy);
    }

    public String getKubeconfigCredentialsId() {
        return kubeconfigCredentialsId;
    }

    /** A secret file holding a kubeconfig, or a secret text holding a bearer token (then with kubernetesUrl). */
    @DataBoundSetter
    public void setKubeconfigCredentialsId(String kubeconfigCredentialsId) {
        this.kubeconfigCredentialsId = Util.fixEmptyAndTrim(kubeconfigCredentialsId);
    }

    public String getKubernetesUrl() {
        return kubernetesUrl;
    }

    /** The API server for a token credential; default: the environment's kubernetesUrl. */
    @DataBoundSetter
    public void setKubernetesUrl(String kubernetesUrl) {
        this.kubernetesUrl = Util.fixEmptyAndTrim(kubernetesUrl);
    }

    public String getInterval() {
        return interval;
    }

    /** Time between two analyses; default: the environment's canaryInterval, else the policy's interval. */
    @DataBoundSetter
    public void setInterval(String interval) {
        this.interval = Util.fixEmptyAndTrim(interval);
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = Util.fixEmptyAndTrim(timeout) == null ? "1h" : timeout.trim();
    }

    public boolean isFullPromotion() {
        return fullPromotion;
    }

    @DataBoundSetter
    public void setFullPromotion(boolean fullPromotion) {
        this.fullPromotion = fullPromotion;
    }

    public boolean isRollback() {
        return rollback;
    }

    /** Roll the environment back in its GitOps repository when the canary fails (default true). */
    @DataBoundSetter
    public void setRollback(boolean rollback) {
        this.rollback = rollback;
    }

    public List<String> getNotify() {
        return notify;
    }

    /** Webhooks of the global configuration told how the canary ended. */
    @DataBoundSetter
    public void setNotify(List<String> notify) {
        // The snippet generator's empty textbox binds as a list of one empty string.
        this.notify = notify == null ? new ArrayList<>()
                : notify.stream().filter(n -> n != null && !n.isBlank()).map(String::strip).collect(Collectors.toCollection(ArrayList::new));
    }

    @Override
    public StepExecution start(StepContext context) {
        return new CanaryWatchExecution(context, new CanaryWatchExecution.Request(getEnvironment(), rollout, namespace, kind,
                prometheus, policy, kubeconfigCredentialsId, kubernetesUrl, interval, timeout, fullPromotion, rollback,
                getRepository(), getCredentialsId(), getBranch(), getOverlayPath(), new ArrayList<>(notify)));
    }

    @Extension
    @Symbol("waitForCanary")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "waitForCanary";
        }

        @Override
        public String getDisplayName() {
            return "Wait for a canary rollout to pass, or roll it back in git";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
