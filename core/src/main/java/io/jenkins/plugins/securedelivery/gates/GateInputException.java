package io.jenkins.plugins.securedelivery.gates;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * A policy or report the gate cannot use: malformed XML, JSON or YAML, an XML document declaring entities, a file
 * beyond the size limit, a waiver without an owner or with a bad date. The message names the file (and line or field
 * when known), what is wrong and what to do. The gate never passes when it is thrown.
 */
public class GateInputException extends InputException {

    private final String file;

    /**
     * @param file    the file at fault, as the user gave it, with ":line" or " field" appended when known
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public GateInputException(String file, String problem, String fix) {
        this(file, problem, fix, null);
    }

    public GateInputException(String file, String problem, String fix, Throwable cause) {
        super(file, problem, fix, cause);
        this.file = file;
    }

    public String file() {
        return file;
    }
}
