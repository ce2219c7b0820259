package io.jenkins.plugins.securedelivery.sbom.golang;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Go module's {@code go.mod}, checked against its {@code go.sum}. Since Go 1.17 the main module's go.mod lists every
 * module that provides a built package, so its require directives are the inventory: direct ones are those without
 * {@code // indirect}.
 *
 * <ul>
 *   <li>{@code replace} with a module version: the replacement is what gets built, so it is the component.</li>
 *   <li>{@code replace} with a directory: the module is first-party source inside the project, not a component; its
 *       own go.mod is scanned where it is in the tree.</li>
 *   <li>A required version that an {@code exclude} names, or a module missing from go.sum, is a gap: the files
 *       disagree and {@code go mod tidy} settles them.</li>
 *   <li>Edges between dependencies come from their go.mod files in the module cache ({@code $GOMODCACHE}, else
 *       {@code $GOPATH/pkg/mod}, else {@code ~/go/pkg/mod}); a module whose go.mod is not cached has no known edges,
 *       and with no cache only the project's own (direct) edges are known.</li>
 * </ul>
 * go.sum's {@code h1:} values are hashes of a module's file tree, not of a file, and are not reported as hashes.
 */
public final class GoModScanner implements Scanner {

    private static final long LIMIT = 16L * 1024 * 1024;
    private static final String TIDY = "run `go mod tidy` and commit go.mod and go.sum";
    private final Path moduleCache;

    /** Uses the module cache Go itself would use. */
    public GoModScanner() {
        this(defaultModuleCache());
    }

    /** @param moduleCache the module cache ({@code GOMODCACHE}); null when there is none */
    GoModScanner(Path moduleCache) {
        this.moduleCache = moduleCache;
    }

    private static Path defaultModuleCache() {
        String cache = System.getenv("GOMODCACHE");
        if (cache != null && !cache.isBlank()) {
            return Path.of(cache);
        }
        String gopath = System.getenv("GOPATH");
        if (gopath != null && !gopath.isBlank()) {
            return Path.of(gopath.split(java.io.File.pathSeparator)[0], "pkg", "mod");
        }
        return Path.of(System.getProperty("user.home"), "go", "pkg", "mod");
    }

    @Override
    public boolean reads(FileTree tree, String path) {
        return (path.equals("go.mod") || path.endsWith("/go.mod")) && !path.startsWith("vendor/") && !path.contains("/vendor/");
    }

    /** go.sum, which vouches for each requirement. */
    @Override
    public boolean consults(String path) {
        return (path.equals("go.sum") || path.endsWith("/go.sum")) && !path.startsWith("vendor/") && !path.contains("/vendor/");
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        GoModFile mod = GoModFile.parse(path, new String(tree.read(path, LIMIT), StandardCharsets.UTF_8));
        String goSumPath = path.substring(0, path.length() - "go.mod".length()) + "go.sum";
        Set<String> sums = Collections.binarySearch(tree.files(), goSumPath) >= 0
                ? goSum(new String(tree.read(goSumPath, LIMIT), StandardCharsets.UTF_8)) : null;

        Map<String, FoundPackage> packages = new LinkedHashMap<>();
        Map<String, String> refsByModule = new LinkedHashMap<>();
        Set<String> direct = new LinkedHashSet<>();
        for (GoModFile.Require require : mod.requires()) {
            if (mod.excludes().contains(new GoModFile.ModuleVersion(require.path(), require.version()))) {
                context.gap(path, require.line(), "the required " + require.path() + " " + require.version()
                        + " is excluded by an exclude directive", TIDY);
                continue;
            }
            GoModFile.Replace replace = replacement(mod, require.path(), require.version());
            if (replace != null && replace.local()) {
                continue; // first-party source in the project's tree
            }
            String modulePath = replace == null ? require.path() : replace.newPath();
            String version = replace == null ? require.version() : replace.newVersion();
            if (sums == null) {
                context.gap(goSumPath, 0, "go.sum is missing, so " + modulePath + " " + version + " is unverified", TIDY);
            } else if (!sums.contains(modulePath + " " + version)) {
                context.gap(goSumPath, 0, "go.sum has no entry for " + modulePath + " " + version
                        + ", required at " + path + ":" + require.line(), TIDY);
            }
            FoundPackage found = FoundPackage.library(purl(path, require.line(), modulePath, version), path);
            packages.putIfAbsent(found.ref(), found);
            refsByModule.put(require.path(), found.ref());
            if (!require.indirect()) {
                direct.add(found.ref());
            }
        }
        Map<String, Set<String>> dependencies = edgesFromModuleCache(mod, refsByModule);
        return new Inventory("go", path, new ArrayList<>(packages.values()), direct, dependencies);
    }

    private static GoModFile.Replace replacement(GoModFile mod, String path, String version) {
        GoModFile.Replace found = null;
        for (GoModFile.Replace replace : mod.replaces()) {
            if (replace.matches(path, version) && (found == null || replace.version() != null)) {
                found = replace; // a replace naming the version wins over one for all versions
            }
        }
        return found;
    }

    /** "module version" pairs that go.sum vouches for, by their module zip or their go.mod. */
    private static Set<String> goSum(String text) {
        Set<String> sums = new HashSet<>();
        for (String line : text.split("\r?\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 3 && words[2].startsWith("h1:")) {
                String version = words[1].endsWith("/go.mod") ? words[1].substring(0, words[1].length() - 7) : words[1];
                sums.add(words[0] + " " + version);
            }
        }
        return sums;
    }

    /** Each dependency's requirements, from its go.mod in the cache, pointed at the versions the build selects. */
    private Map<String, Set<String>> edgesFromModuleCache(GoModFile mod, Map<String, String> refsByModule) throws IOException {
        Map<String, Set<String>> dependencies = new LinkedHashMap<>();
        if (moduleCache == null || !Files.isDirectory(moduleCache)) {
            return dependencies;
        }
        for (GoModFile.Require require : mod.requires()) {
            String from = refsByModule.get(require.path());
            if (from == null) {
                continue;
            }
            GoModFile.Replace replace = replacement(mod, require.path(), require.version());
            String modulePath = replace == null ? require.path() : replace.newPath();
            String version = replace == null ? require.version() : replace.newVersion();
            Path cached = moduleCache.resolve("cache/download/" + escape(modulePath) + "/@v/" + escape(version) + ".mod");
            if (!Files.isRegularFile(cached)) {
                continue;
            }
            GoModFile dependency;
            try {
                dependency = GoModFile.parse(cached.toString(), Files.readString(cached));
            } catch (SbomInputException unreadable) {
                continue; // a damaged cache entry costs edges, not the scan
            }
            Set<String> targets = new LinkedHashSet<>();
            for (GoModFile.Require needed : dependency.requires()) {
                String to = refsByModule.get(needed.path());
                if (to != null && !to.equals(from)) {
                    targets.add(to);
                }
            }
            if (!targets.isEmpty()) {
                dependencies.computeIfAbsent(from, k -> new LinkedHashSet<>()).addAll(targets);
            }
        }
        return dependencies;
    }

    /** The module cache's case encoding: an upper-case letter becomes '!' and its lower case. */
    static String escape(String path) {
        StringBuilder escaped = new StringBuilder(path.length() + 4);
        for (char c : path.toCharArray()) {
            if (Character.isUpperCase(c)) {
                escaped.append('!').append(Character.toLowerCase(c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** {@code pkg:golang/github.com/foo/bar@v1.2.3}: the namespace is everything before the last '/'. */
    static PackageURL purl(String file, int line, String modulePath, String version) {
        int slash = modulePath.lastIndexOf('/');
        try {
            return new PackageURL("golang", slash < 0 ? null : modulePath.substring(0, slash),
                    modulePath.substring(slash + 1), version, null, null);
        } catch (MalformedPackageURLException e) {
            throw new SbomInputException(file, line, "the module " + modulePath + " " + version + " has no valid package URL ("
                    + e.getMessage() + ")", "check the module path", e);
        }
    }
}
