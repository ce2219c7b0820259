package io.jenkins.plugins.securedelivery.notify;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * A notification that cannot be sent as given: a webhook URL that is not one, an empty routing key or secret, a body
 * that is not JSON. The message names the input, the problem and the fix, and never quotes a secret. Delivery
 * problems are never thrown: they are a failed {@link NotificationResult}.
 */
public class NotifyInputException extends InputException {

    public NotifyInputException(String input, String problem, String fix) {
        super(input, problem, fix);
    }
}
