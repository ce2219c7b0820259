package io.jenkins.plugins.securedelivery.canary;

/** What a watch does when analyses stay inconclusive (too little traffic, no metrics) past the policy's limit. */
public enum InconclusiveAction {
    /** Treat it as a failed canary: abort and roll back. */
    FAIL,
    /** Hold the rollout where it is and ask a person to decide. */
    PAUSE
}
