package io.jenkins.plugins.securedelivery.canary;

import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The progressive rollout a watch follows: an Argo Rollouts {@code Rollout} or a Flagger {@code Canary}, by namespace
 * and name.
 */
public record CanaryResource(Controller controller, String namespace, String name) implements Serializable {

    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /** Which controller runs the rollout, and so which resource is read. */
    public enum Controller {
        /** {@code argoproj.io/v1alpha1} {@code Rollout}. */
        ARGO_ROLLOUTS,
        /** {@code flagger.app/v1beta1} {@code Canary}. */
        FLAGGER
    }

    public CanaryResource {
        Objects.requireNonNull(controller, "controller");
        check("namespace", namespace);
        check("name", name);
    }

    private static void check(String what, String value) {
        if (value == null || !DNS_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a Kubernetes " + what
                    + ": use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
        }
    }

    /** As kubectl names it: {@code rollout/platform-prod/medical-platform}. */
    public String display() {
        return (controller == Controller.ARGO_ROLLOUTS ? "rollout/" : "canary/") + namespace + "/" + name;
    }
}
