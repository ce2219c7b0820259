package io.jenkins.plugins.securedelivery.sbom;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * Input the SBOM cannot be made from: an unreadable or malformed lock file, an unresolvable dependency, an unknown
 * format, an unsafe archive. The message names the file (and line when known), what is wrong, and what to do.
 */
public class SbomInputException extends InputException {

    private final String file;
    private final int line;

    /**
     * @param file    the file at fault, as the user knows it (path in the tree, or on disk)
     * @param line    1-based line, or 0 when not known
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public SbomInputException(String file, int line, String problem, String fix) {
        this(file, line, problem, fix, null);
    }

    public SbomInputException(String file, int line, String problem, String fix, Throwable cause) {
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
