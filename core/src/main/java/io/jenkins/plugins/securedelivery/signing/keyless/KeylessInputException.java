package io.jenkins.plugins.securedelivery.signing.keyless;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * Keyless signing or verification cannot start from what it was given: an unreadable or malformed trusted root or
 * signing config, a missing, malformed or expired OIDC token, an invalid identity pattern. The message names the
 * input (file, variable) and the fix; it never contains the token itself.
 */
public class KeylessInputException extends InputException {

    KeylessInputException(String input, String problem, String fix) {
        this(input, problem, fix, null);
    }

    KeylessInputException(String input, String problem, String fix, Throwable cause) {
        super(input, problem, fix, cause);
    }
}
