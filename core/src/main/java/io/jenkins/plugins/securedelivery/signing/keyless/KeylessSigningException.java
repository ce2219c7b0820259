package io.jenkins.plugins.securedelivery.signing.keyless;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * The Sigstore deployment did not give a signature: Fulcio refused or could not be reached, Rekor (or the timestamp
 * authority) refused or could not be reached, or an answer did not verify against the trusted root. The message
 * names the service's URL and what failed; nothing is signed in that case.
 */
public class KeylessSigningException extends InputException {

    KeylessSigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
