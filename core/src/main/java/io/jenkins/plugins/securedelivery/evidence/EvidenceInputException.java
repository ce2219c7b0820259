package io.jenkins.plugins.securedelivery.evidence;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * Input an evidence bundle cannot be made from or pushed with: a missing or unreadable file, a file name that would
 * escape the bundle, two files of the same name, an image without a digest, a gate verdict that is not JSON. The
 * message names the input, the problem and the fix. Nothing is written when it is thrown.
 */
public class EvidenceInputException extends InputException {

    /**
     * @param input   what the user gave, as they named it (a file, an option, an image reference)
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public EvidenceInputException(String input, String problem, String fix) {
        super(input, problem, fix);
    }
}
