package io.jenkins.plugins.securedelivery.sbom.python;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the Python formats share: PEP 503 names, package URLs, requirement names and reading files. */
final class PythonPackages {

    static final long LIMIT = 64L * 1024 * 1024;
    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");
    /** The distribution name at the start of a PEP 508 requirement ("Flask[async] >=2 ; python_version..."). */
    private static final Pattern REQUIREMENT_NAME = Pattern.compile("^\\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)");

    private PythonPackages() {}

    /** PEP 503: lower case, runs of '-', '_' and '.' become one '-'. */
    static String normalize(String name) {
        return SEPARATORS.matcher(name.trim()).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    static PackageURL purl(String file, String name, String version) {
        try {
            return new PackageURL("pypi", null, normalize(name), version, null, null);
        } catch (MalformedPackageURLException e) {
            throw new SbomInputException(file, 0, "the package " + name + " " + version + " has no valid package URL ("
                    + e.getMessage() + ")", "check the file; regenerate it with its tool", e);
        }
    }

    /** The normalized name a PEP 508 requirement string starts with, or null. */
    static String requirementName(String requirement) {
        Matcher m = REQUIREMENT_NAME.matcher(requirement);
        return m.find() ? normalize(m.group(1)) : null;
    }

    /**
     * Hashes for a component, only when they name one file: a lock file lists the digests of every wheel and the
     * sdist of a version, and which of them gets installed depends on the platform, so several digests identify no
     * single file.
     */
    static Map<String, String> hashes(Collection<String> sha256Digests) {
        return sha256Digests.size() == 1 ? Map.of("SHA-256", sha256Digests.iterator().next().toLowerCase(Locale.ROOT)) : Map.of();
    }
}
