package io.jenkins.plugins.securedelivery.sbom;

import java.util.Locale;

/** The two encodings of CycloneDX. */
public enum SbomFormat {
    JSON, XML;

    public static SbomFormat of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SbomInputException("--format " + name, 0, "unknown SBOM format", "use json or xml");
        }
    }
}
