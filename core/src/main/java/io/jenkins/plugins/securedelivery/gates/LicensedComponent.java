package io.jenkins.plugins.securedelivery.gates;

import java.util.List;

/**
 * A component of a CycloneDX SBOM and its licences as written there: SPDX ids, SPDX expressions, or names.
 *
 * @param licenses each entry of the component's {@code licenses}: an id, an expression, or {@code name:} and a free name
 */
record LicensedComponent(String report, String name, String purl, List<String> licenses) {
    LicensedComponent {
        licenses = List.copyOf(licenses);
    }
}
