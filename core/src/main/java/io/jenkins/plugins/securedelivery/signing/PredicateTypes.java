package io.jenkins.plugins.securedelivery.signing;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/** The predicate types attestations carry, by the short names cosign's {@code --type} takes, or a URI. */
public final class PredicateTypes {

    /** The predicate type of a cosign v3 image signature (a statement with an empty predicate). */
    public static final String COSIGN_SIGNATURE = "https://sigstore.dev/cosign/sign/v1";
    public static final String CYCLONEDX = "https://cyclonedx.org/bom";
    public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

    /**
     * cosign's names, except that {@code slsaprovenance} means SLSA v1 here (cosign maps it to v0.2, which we never
     * write; cosign's {@code slsaprovenance1} is accepted too).
     */
    private static final Map<String, String> NAMES = Map.of(
            "cyclonedx", CYCLONEDX,
            "slsaprovenance", SLSA_PROVENANCE_V1,
            "slsaprovenance1", SLSA_PROVENANCE_V1,
            "spdx", "https://spdx.dev/Document",
            "spdxjson", "https://spdx.dev/Document",
            "openvex", "https://openvex.dev/ns",
            "vuln", "https://cosign.sigstore.dev/attestation/vuln/v1",
            "link", "https://in-toto.io/Link/v1",
            "custom", "https://cosign.sigstore.dev/attestation/v1");

    private PredicateTypes() {}

    /** The predicate type URI for a {@code --type} value: a short name above, or an absolute URI taken as it is. */
    public static String resolve(String type) {
        String known = NAMES.get(type);
        if (known != null) return known;
        try {
            URI uri = new URI(type);
            if (uri.isAbsolute() && uri.getHost() != null) return type;
        } catch (URISyntaxException | NullPointerException e) {
            // Falls through to the error below.
        }
        throw new SigningInputException("type '" + type + "'", "not a known predicate type nor an absolute URI",
                "use one of " + String.join(", ", new java.util.TreeSet<>(NAMES.keySet())) + ", or a URI such as https://example.com/my-predicate/v1");
    }
}
