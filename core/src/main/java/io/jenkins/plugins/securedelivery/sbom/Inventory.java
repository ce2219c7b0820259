package io.jenkins.plugins.securedelivery.sbom;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one scanner found in one file (a lock file, a pom.xml, a dpkg database, a jar): the packages, which of them
 * the scanned subject depends on directly, and who depends on whom. References are canonical package URLs
 * ({@link FoundPackage#ref()}).
 *
 * @param ecosystem    the ecosystem in the user's words: "maven", "npm", "go", "pypi", "deb", "apk", "jar"
 * @param file         the path, inside the scanned tree, of the file this inventory comes from
 * @param packages     every package found, once each
 * @param direct       the packages the subject depends on directly (for an OS database: all of them)
 * @param dependencies for each package that depends on others, the packages it depends on
 */
public record Inventory(
        String ecosystem,
        String file,
        List<FoundPackage> packages,
        Set<String> direct,
        Map<String, Set<String>> dependencies) {

    public Inventory {
        packages = List.copyOf(packages);
        direct = Set.copyOf(direct);
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        dependencies.forEach((from, to) -> copy.put(from, Set.copyOf(new LinkedHashSet<>(to))));
        dependencies = Map.copyOf(copy);
    }
}
