package io.jenkins.plugins.securedelivery;

/**
 * Input a user can fix: a file, an option, a field, a server's answer to their credentials. Every package's input
 * exception extends it, so that a front end (the CLI's exit code 2, a Jenkins step's one-line error) treats them
 * alike. The message reads {@code <input>: <problem>. <Fix>}, and never holds a secret.
 */
public class InputException extends RuntimeException {

    /**
     * @param input   what the user gave, as they know it (a file and line, an option, a JSON path)
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    protected InputException(String input, String problem, String fix) {
        this(input, problem, fix, null);
    }

    protected InputException(String input, String problem, String fix, Throwable cause) {
        super(input + ": " + problem + "." + (fix == null || fix.isEmpty() ? "" : " " + Character.toUpperCase(fix.charAt(0)) + fix.substring(1)),
                cause);
    }

    /** For an input problem whose message was already written in full. */
    protected InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
