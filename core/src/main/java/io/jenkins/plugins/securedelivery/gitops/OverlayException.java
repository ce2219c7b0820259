package io.jenkins.plugins.securedelivery.gitops;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * An overlay that cannot be read or edited as asked: a missing directory or kustomization, malformed YAML, an
 * {@code images:} that is not a list, an image the overlay does not mention, a name listed twice. The message names
 * the file (and line when known), what is wrong, and what to do; nothing is written when it is thrown.
 */
public class OverlayException extends InputException {

    private final String file;
    private final int line;

    /**
     * @param file    the file or directory at fault, as the user knows it
     * @param line    1-based line, or 0 when not known
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public OverlayException(String file, int line, String problem, String fix) {
        this(file, line, problem, fix, null);
    }

    public OverlayException(String file, int line, String problem, String fix, Throwable cause) {
        super(file + (line > 0 ? ":" + line : ""), problem, fix, cause);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    /** 1-based line of the problem, or 0 when it is not known. */
    public int line() {
        return line;
    }
}
