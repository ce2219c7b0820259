package io.jenkins.plugins.securedelivery.approval;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * An approval input that cannot be used: a policy file with a missing or wrong field, a request refused up front (no
 * change ticket, an environment the policy does not know), a request or decisions file that is not what it should be.
 * The message names the input (file and field), the problem and the fix.
 */
public class ApprovalInputException extends InputException {

    /**
     * @param input   what the user gave, as they know it: {@code approvals.yaml: environments.prod.required}
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public ApprovalInputException(String input, String problem, String fix) {
        super(input, problem, fix);
    }
}
