package io.jenkins.plugins.securedelivery.sbom.npm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every npm lock file format shares: package URLs, integrity strings, and reading the file. */
final class NpmPackages {

    /** Lock files of the largest monorepos are tens of megabytes; anything beyond this is not a lock file. */
    static final long LIMIT = 256L * 1024 * 1024;

    private static final Map<String, String> ALGORITHMS =
            Map.of("sha1", "SHA-1", "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");

    private NpmPackages() {}

    /** {@code pkg:npm/%40scope/name@version}; packageurl-java encodes the '@' of the scope. */
    static PackageURL purl(String file, String name, String version) {
        try {
            int slash = name.indexOf('/');
            if (name.startsWith("@") && slash > 0) {
                return new PackageURL("npm", name.substring(0, slash), name.substring(slash + 1), version, null, null);
            }
            return new PackageURL("npm", null, name, version, null, null);
        } catch (MalformedPackageURLException e) {
            throw new SbomInputException(file, 0, "the package " + name + "@" + version + " has no valid package URL ("
                    + e.getMessage() + ")", "check the lock file; regenerate it with the package manager", e);
        }
    }

    /** Subresource-integrity strings ("sha512-base64 sha1-base64") as lower-case hex digests. */
    static Map<String, String> hashes(String integrity) {
        Map<String, String> hashes = new LinkedHashMap<>();
        if (integrity == null) {
            return hashes;
        }
        for (String part : integrity.trim().split("\\s+")) {
            int dash = part.indexOf('-');
            if (dash <= 0) {
                continue;
            }
            String algorithm = ALGORITHMS.get(part.substring(0, dash));
            if (algorithm == null) {
                continue;
            }
            String digest = part.substring(dash + 1);
            int options = digest.indexOf('?'); // SRI allows "?option" suffixes
            try {
                byte[] bytes = Base64.getDecoder().decode(options < 0 ? digest : digest.substring(0, options));
                hashes.putIfAbsent(algorithm, HexFormat.of().formatHex(bytes));
            } catch (IllegalArgumentException notBase64) {
                // npm never writes such a digest; a hash we cannot read is left out rather than invented.
            }
        }
        return hashes;
    }

    /**
     * Splits "name@range" (also "@scope/name@range"): the name ends at the first '@' after the first character.
     * Returns null when there is no range.
     */
    static String[] nameAndRange(String spec) {
        int at = spec.indexOf('@', 1);
        return at < 0 ? null : new String[] {spec.substring(0, at), spec.substring(at + 1)};
    }

    /** Every package reachable from {@code roots} along {@code edges}. */
    static java.util.Set<String> reachable(java.util.Collection<String> roots, Map<String, java.util.Set<String>> edges) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String ref = todo.pop();
            if (seen.add(ref)) {
                todo.addAll(edges.getOrDefault(ref, java.util.Set.of()));
            }
        }
        return seen;
    }

    static boolean insideNodeModules(String directory) {
        return directory.startsWith("node_modules/") || directory.contains("/node_modules/");
    }
}
