package io.jenkins.plugins.securedelivery.signing;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * A key file that cannot be used: unreadable, not PEM, the wrong kind of key, an unsupported curve, a wrong password.
 * The message names the file, what is wrong and what to do; it never contains key material or the password.
 */
public class KeyFileException extends InputException {

    private final String file;

    /**
     * @param file    the key file as the user named it
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public KeyFileException(String file, String problem, String fix) {
        this(file, problem, fix, null);
    }

    public KeyFileException(String file, String problem, String fix, Throwable cause) {
        // The cause's message is deliberately not copied: a parser's message may quote the input.
        super(file, problem, fix, cause);
        this.file = file;
    }

    public String file() {
        return file;
    }
}
