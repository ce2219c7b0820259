package io.jenkins.plugins.securedelivery.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which registered scanner reads which file of the npm, Go and Python fixtures: each lock file once, nothing else. */
class LockFileSelectionTest {

    @Test
    void eachLockFileIsReadByExactlyOneScanner() throws IOException {
        DirectoryTree tree = new DirectoryTree(Path.of("src/test/resources/sbom"));
        Map<String, List<String>> readers = new TreeMap<>();
        for (String path : tree.files()) {
            if (!path.startsWith("npm/") && !path.startsWith("golang/") && !path.startsWith("python/")) {
                continue;
            }
            List<String> names = Scanners.all().stream().filter(s -> s.reads(tree, path))
                    .map(s -> s.getClass().getSimpleName()).toList();
            if (!names.isEmpty()) {
                readers.put(path, names);
            }
        }

        assertThat(readers).containsExactlyEntriesOf(new TreeMap<>(Map.ofEntries(
                Map.entry("golang/app/go.mod", List.of("GoModScanner")),
                Map.entry("golang/app/shared/go.mod", List.of("GoModScanner")),
                Map.entry("npm/app/package-lock.json", List.of("PackageLockScanner")),
                Map.entry("npm/berry/yarn.lock", List.of("YarnLockScanner")),
                Map.entry("npm/hidden/node_modules/.package-lock.json", List.of("PackageLockScanner")),
                Map.entry("npm/pnpm6/pnpm-lock.yaml", List.of("PnpmLockScanner")),
                Map.entry("npm/pnpm9/pnpm-lock.yaml", List.of("PnpmLockScanner")),
                Map.entry("npm/workspaces/package-lock.json", List.of("PackageLockScanner")),
                Map.entry("npm/yarn1/yarn.lock", List.of("YarnLockScanner")),
                Map.entry("python/image/usr/local/lib/python3.11/site-packages/blinker-1.9.0.dist-info/METADATA",
                        List.of("InstalledPythonScanner")),
                Map.entry("python/pip/requirements-dev.txt", List.of("RequirementsScanner")),
                Map.entry("python/pip/requirements.txt", List.of("RequirementsScanner")),
                Map.entry("python/pip/requirements/test.txt", List.of("RequirementsScanner")),
                Map.entry("python/pipenv/Pipfile.lock", List.of("PipfileLockScanner")),
                Map.entry("python/poetry-legacy/poetry.lock", List.of("PoetryLockScanner")),
                Map.entry("python/poetry/poetry.lock", List.of("PoetryLockScanner")))));
    }
}
