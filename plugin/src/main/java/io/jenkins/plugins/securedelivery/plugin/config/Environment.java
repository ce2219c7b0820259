package io.jenkins.plugins.securedelivery.plugin.config;

import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.securedelivery.Durations;
import io.jenkins.plugins.securedelivery.InputException;
import io.jenkins.plugins.securedelivery.approval.ApprovalPolicy;
import io.jenkins.plugins.securedelivery.gates.GatePolicy;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A deployment environment: where its overlay lives in the GitOps repository, how to reach that repository, how a
 * release gets there, and the defaults its canary analysis and approval start from. Steps name it and take the rest
 * from here, so Jenkinsfiles stay short.
 */
public final class Environment implements Describable<Environment> {

    private final String name;
    private final String repository;
    private String credentialsId;
    private String branch;
    private String overlayPath;
    private String knownHosts;
    private PromotionMode promotionMode = PromotionMode.PUSH;
    private String commitUrl;
    private String approvalPolicy;
    private String approvalSigningProfile;
    private String gatePolicy;
    private String canaryPrometheus;
    private String canaryInterval;
    private int canaryFailureLimit;
    private String kubernetesUrl;
    private String kubernetesCredentialsId;

    @DataBoundConstructor
    public Environment(String name, String repository) {
        this.name = Util.fixEmptyAndTrim(name);
        this.repository = Util.fixEmptyAndTrim(repository);
    }

    public String getName() {
        return name;
    }

    /** The GitOps repository: https://, ssh://, file:// or a path on the agent. */
    public String getRepository() {
        return repository;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    /** Username with password (https token) or SSH username with private key. */
    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getBranch() {
        return branch;
    }

    @DataBoundSetter
    public void setBranch(String branch) {
        this.branch = Util.fixEmptyAndTrim(branch);
    }

    public String getOverlayPath() {
        return overlayPath;
    }

    /** The environment's kustomize overlay directory; unset means deploy/kustomize/overlays/NAME. */
    @DataBoundSetter
    public void setOverlayPath(String overlayPath) {
        this.overlayPath = Util.fixEmptyAndTrim(overlayPath);
    }

    public String getKnownHosts() {
        return knownHosts;
    }

    /** known_hosts lines holding the SSH server's host key: unknown hosts are refused, never learned. */
    @DataBoundSetter
    public void setKnownHosts(String knownHosts) {
        this.knownHosts = Util.fixEmptyAndTrim(knownHosts);
    }

    public PromotionMode getPromotionMode() {
        return promotionMode;
    }

    @DataBoundSetter
    public void setPromotionMode(PromotionMode promotionMode) {
        this.promotionMode = promotionMode == null ? PromotionMode.PUSH : promotionMode;
    }

    public String getCommitUrl() {
        return commitUrl;
    }

    /** A link to a commit of the repository, {@code {commit}} standing for its id, e.g. https://git.example.com/org/gitops/commit/{commit}. */
    @DataBoundSetter
    public void setCommitUrl(String commitUrl) {
        this.commitUrl = Util.fixEmptyAndTrim(commitUrl);
    }

    public String getApprovalPolicy() {
        return approvalPolicy;
    }

    /** Who may approve a promotion here: the policy's YAML, or the path of a policy file in the GitOps repository. */
    @DataBoundSetter
    public void setApprovalPolicy(String approvalPolicy) {
        this.approvalPolicy = Util.fixEmptyAndTrim(approvalPolicy);
    }

    public String getApprovalSigningProfile() {
        return approvalSigningProfile;
    }

    /**
     * The signing profile (a key) that signs this environment's approval records: with it, requestApproval writes
     * approval-NAME.json into the workspace, which promoteOverlay and evidenceBundle take.
     */
    @DataBoundSetter
    public void setApprovalSigningProfile(String approvalSigningProfile) {
        this.approvalSigningProfile = Util.fixEmptyAndTrim(approvalSigningProfile);
    }

    public String getGatePolicy() {
        return gatePolicy;
    }

    /**
     * The quality gate policy (YAML, as docs/gates.md describes) that qualityGate applies for this environment; set
     * here, a Jenkinsfile cannot replace it with a file of its own.
     */
    @DataBoundSetter
    public void setGatePolicy(String gatePolicy) {
        this.gatePolicy = Util.fixEmptyAndTrim(gatePolicy);
    }

    public String getCanaryPrometheus() {
        return canaryPrometheus;
    }

    /** The name of the Prometheus endpoint canary analysis queries for this environment. */
    @DataBoundSetter
    public void setCanaryPrometheus(String canaryPrometheus) {
        this.canaryPrometheus = Util.fixEmptyAndTrim(canaryPrometheus);
    }

    public String getCanaryInterval() {
        return canaryInterval;
    }

    /** How often canary analysis measures, e.g. 1m or 30s. */
    @DataBoundSetter
    public void setCanaryInterval(String canaryInterval) {
        this.canaryInterval = Util.fixEmptyAndTrim(canaryInterval);
    }

    public int getCanaryFailureLimit() {
        return canaryFailureLimit;
    }

    /** Failed measurements tolerated before the canary is rolled back; 0 rolls back on the first. */
    @DataBoundSetter
    public void setCanaryFailureLimit(int canaryFailureLimit) {
        this.canaryFailureLimit = Math.max(0, canaryFailureLimit);
    }

    public String getKubernetesUrl() {
        return kubernetesUrl;
    }

    /** The cluster's API server, for a bearer token credential (https; plain http only on a loopback address). */
    @DataBoundSetter
    public void setKubernetesUrl(String kubernetesUrl) {
        this.kubernetesUrl = Util.fixEmptyAndTrim(kubernetesUrl);
    }

    public String getKubernetesCredentialsId() {
        return kubernetesCredentialsId;
    }

    /** How waitForCanary reaches the cluster: a secret file holding a kubeconfig, or a secret text bearer token. */
    @DataBoundSetter
    public void setKubernetesCredentialsId(String kubernetesCredentialsId) {
        this.kubernetesCredentialsId = Util.fixEmptyAndTrim(kubernetesCredentialsId);
    }

    /**
     * What is wrong with this environment as configured, or null: a missing name or repository, or a policy that does
     * not parse. Checked when the configuration is saved or applied (JCasC), so a typo in a policy is found by the
     * administrator who made it, not by the first release that waits on it. A policy given as a file path is read when
     * a request is made, as the file may be provisioned after the configuration.
     */
    String problem() {
        if (name == null) {
            return "an environment has no name: give it one (the name steps use, e.g. prod)";
        }
        if (repository == null) {
            return "environment '" + name + "' has no repository: give the GitOps repository's URL";
        }
        String approval = approvalPolicyProblem(name, approvalPolicy);
        if (approval != null) {
            return approval;
        }
        String interval = canaryIntervalProblem(name, canaryInterval);
        if (interval != null) {
            return interval;
        }
        return gatePolicyProblem(name, gatePolicy);
    }

    static String canaryIntervalProblem(String environment, String interval) {
        if (interval == null || Durations.parse(interval).isPresent()) {
            return null;
        }
        return "canaryInterval of environment '" + (environment == null ? "unnamed" : environment) + "': '" + interval
                + "' is not a positive duration: write it like 30s, 1m or PT30S";
    }

    /** An approval policy of one line that starts with {@code /} names a file on the controller; anything else is YAML. */
    public static boolean isPolicyFile(String policy) {
        return policy != null && !policy.contains("\n") && policy.startsWith("/");
    }

    static String approvalPolicyProblem(String environment, String policy) {
        if (policy == null || isPolicyFile(policy)) {
            return null;
        }
        // Unnamed while the form is being filled in: the rules are checked, which environment a whole policy names is not.
        String key = environment == null ? "unnamed" : environment;
        String label = "approvalPolicy of environment '" + key + "'";
        try {
            ApprovalPolicy parsed = ApprovalPolicy.parse(label, ApprovalPolicy.wholePolicyText(label, key, policy).getBytes(StandardCharsets.UTF_8));
            if (environment != null) {
                parsed.forEnvironment(environment);
            }
            return null;
        } catch (InputException e) {
            return e.getMessage();
        }
    }

    static String gatePolicyProblem(String environment, String policy) {
        if (policy == null) {
            return null;
        }
        try {
            GatePolicy.parse(policy, "gatePolicy of environment '" + (environment == null ? "unnamed" : environment) + "'");
            return null;
        } catch (InputException e) {
            return e.getMessage();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Environment e && Objects.equals(name, e.name) && Objects.equals(repository, e.repository)
                && Objects.equals(credentialsId, e.credentialsId) && Objects.equals(branch, e.branch)
                && Objects.equals(overlayPath, e.overlayPath) && Objects.equals(knownHosts, e.knownHosts)
                && promotionMode == e.promotionMode && Objects.equals(commitUrl, e.commitUrl)
                && Objects.equals(approvalPolicy, e.approvalPolicy) && Objects.equals(approvalSigningProfile, e.approvalSigningProfile)
                && Objects.equals(gatePolicy, e.gatePolicy) && Objects.equals(canaryPrometheus, e.canaryPrometheus)
                && Objects.equals(canaryInterval, e.canaryInterval) && canaryFailureLimit == e.canaryFailureLimit
                && Objects.equals(kubernetesUrl, e.kubernetesUrl) && Objects.equals(kubernetesCredentialsId, e.kubernetesCredentialsId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, repository);
    }

    /** Push commits the promotion to the branch Argo CD follows; pull-request proposes it for review instead. */
    public enum PromotionMode {
        PUSH, PULL_REQUEST
    }

    @Extension
    @Symbol("gitOpsEnvironment")
    public static final class DescriptorImpl extends Descriptor<Environment> {
        @Override
        public String getDisplayName() {
            return "Environment";
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.error("Required: the name steps use, e.g. prod") : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckRepository(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.error("Required: the GitOps repository's URL") : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckApprovalPolicy(@QueryParameter String value, @QueryParameter String name) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String problem = approvalPolicyProblem(environmentName(name), Util.fixEmptyAndTrim(value));
            return problem == null ? FormValidation.ok() : FormValidation.error(problem);
        }

        @POST
        public FormValidation doCheckCanaryInterval(@QueryParameter String value, @QueryParameter String name) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String problem = canaryIntervalProblem(environmentName(name), Util.fixEmptyAndTrim(value));
            return problem == null ? FormValidation.ok() : FormValidation.error(problem);
        }

        @POST
        public FormValidation doCheckGatePolicy(@QueryParameter String value, @QueryParameter String name) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String problem = gatePolicyProblem(environmentName(name), Util.fixEmptyAndTrim(value));
            return problem == null ? FormValidation.ok() : FormValidation.error(problem);
        }

        private static String environmentName(String name) {
            return Util.fixEmptyAndTrim(name);
        }
    }
}
