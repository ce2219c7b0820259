package io.jenkins.plugins.securedelivery.canary;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * A canary policy that cannot be used: unreadable YAML, an unknown or missing field, a value out of range, a template
 * naming a variable nobody provides. The message names the file, the field (as a path such as {@code metrics[1].max}),
 * what is wrong and what to do.
 */
public class CanaryPolicyException extends InputException {

    /**
     * @param source  the policy file as the user named it, or a description such as "built-in default policy"
     * @param field   the field at fault as a path ({@code metrics[0].query}), or empty for the whole document
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public CanaryPolicyException(String source, String field, String problem, String fix) {
        this(source, field, problem, fix, null);
    }

    public CanaryPolicyException(String source, String field, String problem, String fix, Throwable cause) {
        super(source + (field.isEmpty() ? "" : ": " + field), problem, fix, cause);
    }
}
