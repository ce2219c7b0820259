package io.jenkins.plugins.securedelivery.signing;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * Input a signature or attestation cannot be made from: a predicate that is not a JSON object, an unknown predicate
 * type, a digest that is not {@code sha256:<hex>}, an existing signature manifest that is not one. The message names
 * the input, the problem and the fix.
 */
public class SigningInputException extends InputException {

    /**
     * @param input   what the user gave, as they know it (a file, "--type", an image digest)
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public SigningInputException(String input, String problem, String fix) {
        super(input, problem, fix);
    }
}
