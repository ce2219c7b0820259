package io.jenkins.plugins.securedelivery.evidence;

/** A bundle that is damaged or forged: a failed verification to report, not an error of the verifier. */
final class InvalidBundle extends Exception {

    InvalidBundle(String problem) {
        super(problem);
    }
}
