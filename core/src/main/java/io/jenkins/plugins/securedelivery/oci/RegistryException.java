package io.jenkins.plugins.securedelivery.oci;

import java.io.IOException;

/**
 * A registry or OCI layout refused or failed an operation. The message names the reference, what happened and what
 * to do; it never carries a credential.
 */
public final class RegistryException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    RegistryException(int status, String message) {
        super(message);
        this.status = status;
    }

    RegistryException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the registry answered, or 0 when there was no answer (unreachable, TLS, bad content). */
    public int status() {
        return status;
    }
}
