package io.jenkins.plugins.securedelivery.sbom.os;

import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The distribution named by {@code etc/os-release} (or {@code usr/lib/os-release}), which qualifies OS packages'
 * URLs: the same name and version differ between Debian 12 and Ubuntu 24.04.
 *
 * @param id        the lower-case ID ("debian", "ubuntu", "alpine"), or null when the tree has no os-release
 * @param versionId VERSION_ID ("12", "3.20.3"), or null
 */
record OsRelease(String id, String versionId) {

    static final Set<String> PATHS = Set.of("etc/os-release", "usr/lib/os-release");

    /** The {@code distro} qualifier: "debian-12", "alpine-3.20.3"; null when unknown. */
    String distro() {
        return id == null || versionId == null ? null : id + "-" + versionId;
    }

    static OsRelease of(FileTree tree) throws IOException {
        for (String path : new String[] {"etc/os-release", "usr/lib/os-release"}) {
            byte[] bytes;
            try {
                bytes = tree.read(path, 64 * 1024);
            } catch (IOException | SbomInputException absent) {
                continue;
            }
            return parse(new String(bytes, StandardCharsets.UTF_8));
        }
        return new OsRelease(null, null);
    }

    // os-release is a list of shell-style KEY=value assignments (os-release(5)); a dozen lines need no library.
    static OsRelease parse(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.startsWith("#") || eq < 0) {
                continue;
            }
            String value = line.substring(eq + 1).trim();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            values.put(line.substring(0, eq).trim(), value);
        }
        String id = values.get("ID");
        return new OsRelease(id == null || id.isEmpty() ? null : id.toLowerCase(Locale.ROOT),
                values.getOrDefault("VERSION_ID", null));
    }
}
