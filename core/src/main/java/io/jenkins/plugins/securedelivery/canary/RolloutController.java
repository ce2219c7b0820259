package io.jenkins.plugins.securedelivery.canary;

/**
 * Reads one rollout and acts on it, as its controller's own tools do. Kubernetes API failures surface as fabric8's
 * {@code KubernetesClientException}, which the watch turns into explained results.
 */
interface RolloutController {

    Observation observe();

    /** Lets a rollout paused at a step go on (or, when {@code full}, to the end); returns what was done. */
    String promote(boolean full);

    /** Stops the rollout and sends all traffic back to the stable revision; returns what was done. */
    String abort();

    /** Holds the rollout where it is; returns what was done. */
    String pause();
}
