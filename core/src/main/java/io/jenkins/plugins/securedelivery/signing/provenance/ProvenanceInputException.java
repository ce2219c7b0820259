package io.jenkins.plugins.securedelivery.signing.provenance;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * A build fact the provenance cannot be written from: a commit that is not 40 hex digits, a digest that is not
 * {@code sha256:<64 hex>}, a URL that is not absolute, a finish time before the start. The message names the
 * field, the value at fault and what to give instead.
 */
public class ProvenanceInputException extends InputException {

    private final String field;

    ProvenanceInputException(String field, String problem, String fix) {
        super(field, problem, fix);
        this.field = field;
    }

    /** The build fact at fault, as named in the provenance (e.g. {@code resolvedDependencies[1].digest}). */
    public String field() {
        return field;
    }
}
