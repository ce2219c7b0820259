package io.jenkins.plugins.securedelivery.canary;

import io.jenkins.plugins.securedelivery.InputException;

/**
 * A connection to a Kubernetes cluster could not be set up from what was given. The message names the file, option
 * or variable, the problem and the fix; it never contains a token.
 */
public class KubernetesConnectionException extends InputException {

    public KubernetesConnectionException(String input, String problem, String fix) {
        super(input, problem, fix);
    }
}
