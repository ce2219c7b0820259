package io.jenkins.plugins.securedelivery.evidence;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * An audit entry that cannot be appended: a blank field, a detail that names a secret, a log whose last line is
 * damaged, a log that cannot be written. The message names the log or field, the problem and the fix; nothing was
 * appended.
 */
public class AuditLogException extends InputException {

    /**
     * @param input   the log file or the field, as the user named it
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public AuditLogException(String input, String problem, String fix) {
        super(input, problem, fix);
    }
}
