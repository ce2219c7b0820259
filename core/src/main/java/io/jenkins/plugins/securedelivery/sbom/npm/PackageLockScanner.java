package io.jenkins.plugins.securedelivery.sbom.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.LockFiles;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cyclonedx.model.Component;

/**
 * npm's lock files: {@code package-lock.json} and {@code npm-shrinkwrap.json} of lockfileVersion 2 and 3, and the
 * hidden lock file {@code node_modules/.package-lock.json} that npm writes beside what it installed (the only record
 * in a container image, or where no lock file is committed). A hidden lock file is skipped when its project has a
 * lock file of its own, which says the same.
 *
 * <p>Dependencies are resolved the way node does: a dependency {@code b} of {@code node_modules/a} is
 * {@code node_modules/a/node_modules/b} when that exists, else the nearest {@code node_modules/b} walking up.
 * Workspace packages ({@code link: true}) are followed to their folder; a workspace with a version is a component of
 * its own, one without a version is part of the project and its dependencies are direct.
 */
public final class PackageLockScanner implements Scanner {

    private static final String HIDDEN = "node_modules/.package-lock.json";
    private static final List<String> DEPENDENCY_FIELDS = List.of("dependencies", "optionalDependencies", "peerDependencies");
    private static final List<String> WORKSPACE_DEPENDENCY_FIELDS =
            List.of("dependencies", "devDependencies", "optionalDependencies", "peerDependencies");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean reads(FileTree tree, String path) {
        String name = LockFiles.fileName(path);
        String directory = LockFiles.directoryOf(path);
        if (name.equals("package-lock.json") || name.equals("npm-shrinkwrap.json")) {
            return !NpmPackages.insideNodeModules(directory);
        }
        if (path.equals(HIDDEN) || path.endsWith("/" + HIDDEN)) {
            String project = path.substring(0, path.length() - HIDDEN.length());
            return !NpmPackages.insideNodeModules(project)
                    && !has(tree, project + "package-lock.json") && !has(tree, project + "npm-shrinkwrap.json");
        }
        return false;
    }

    private static boolean has(FileTree tree, String path) {
        return Collections.binarySearch(tree.files(), path) >= 0;
    }

    /** The project manifest beside a lock file: direct dependencies and workspaces come from it. */
    @Override
    public boolean consults(String path) {
        return LockFiles.fileName(path).equals("package.json") && !NpmPackages.insideNodeModules(LockFiles.directoryOf(path));
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        JsonNode lock = LockFiles.readObject(tree, path, JSON, NpmPackages.LIMIT);
        boolean hidden = path.endsWith(HIDDEN);
        JsonNode version = lock.get("lockfileVersion");
        if (version == null || !version.canConvertToInt()) {
            throw new SbomInputException(path, 0, "the file has no lockfileVersion: it is not an npm lock file",
                    "regenerate it with `npm install --package-lock-only` (npm 7 or later)");
        }
        if (version.asInt() >= 2 && !lock.path("packages").isObject()) {
            throw new SbomInputException(path, 0, "the lock file has no \"packages\" map",
                    "regenerate it with `npm install --package-lock-only` using npm 7 or later");
        }
        if (version.asInt() < 2) {
            throw new SbomInputException(path, 0, "lockfileVersion " + version.asInt()
                    + " is an unknown format: only lock files of version 2 and 3 list every installed package",
                    "regenerate it with `npm install --package-lock-only` using npm 7 or later");
        }
        if (version.asInt() > 3) {
            throw new SbomInputException(path, 0, "lockfileVersion " + version.asInt() + " is an unknown format",
                    "regenerate it with npm 7 to 11 (lockfileVersion 3), or report the new version");
        }
        return new Reading(tree, path, hidden, lock.get("packages"), context).read();
    }

    /** One lock file being read: its entries by install path, and what has been found so far. */
    private static final class Reading {
        private final FileTree tree;
        private final String path;
        private final boolean hidden;
        private final JsonNode entries;
        private final ScanContext context;
        private final Map<String, FoundPackage> packages = new LinkedHashMap<>();
        private final Map<String, String> refsByLocation = new HashMap<>();
        private final Map<String, Set<String>> dependencies = new LinkedHashMap<>();
        private final Set<String> direct = new LinkedHashSet<>();
        /** Workspace folders without a version: part of the project, like the root. */
        private final Set<String> projectFolders = new HashSet<>();

        Reading(FileTree tree, String path, boolean hidden, JsonNode entries, ScanContext context) {
            this.tree = tree;
            this.path = path;
            this.hidden = hidden;
            this.entries = entries;
            this.context = context;
        }

        Inventory read() throws IOException {
            projectFolders.add("");
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String location = entry.getKey();
                JsonNode node = entry.getValue();
                if (location.isEmpty() || node.path("link").asBoolean()) {
                    continue;
                }
                String name = node.hasNonNull("name") ? node.get("name").asText() : nameAt(location);
                if (!node.hasNonNull("version")) {
                    if (!location.contains("node_modules/")) {
                        projectFolders.add(location); // a workspace without a version
                        continue;
                    }
                    context.gap(path, 0, "the package " + name + " at " + location + " has no version",
                            "regenerate the lock file with `npm install --package-lock-only`");
                    continue;
                }
                String version = node.get("version").asText();
                boolean optional = node.path("dev").asBoolean() || node.path("optional").asBoolean()
                        || node.path("devOptional").asBoolean();
                List<String> licenses = licenses(node.get("license"));
                FoundPackage found = new FoundPackage(NpmPackages.purl(path, name, version), Component.Type.LIBRARY,
                        optional ? Component.Scope.OPTIONAL : Component.Scope.REQUIRED,
                        NpmPackages.hashes(node.path("integrity").asText(null)), licenses, path);
                String ref = found.ref();
                FoundPackage earlier = packages.get(ref);
                if (earlier == null || (earlier.scope() == Component.Scope.OPTIONAL && !optional)) {
                    packages.put(ref, found); // the same version installed at several places is one component
                }
                refsByLocation.put(location, ref);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String location = entry.getKey();
                JsonNode node = entry.getValue();
                if (node.path("link").asBoolean()) {
                    continue;
                }
                if (projectFolders.contains(location)) {
                    collectDirect(location, node, location.isEmpty());
                } else if (refsByLocation.containsKey(location)) {
                    boolean workspace = !location.contains("node_modules/");
                    if (workspace) {
                        direct.add(refsByLocation.get(location)); // a workspace package is part of what is built
                    }
                    Set<String> targets = dependencies.computeIfAbsent(refsByLocation.get(location), k -> new LinkedHashSet<>());
                    boolean devOnly = node.path("dev").asBoolean();
                    // npm installs a workspace's devDependencies too; a published package's are not installed
                    for (String field : workspace ? WORKSPACE_DEPENDENCY_FIELDS : DEPENDENCY_FIELDS) {
                        boolean mayBeAbsent = devOnly || !field.equals("dependencies");
                        node.path(field).fieldNames().forEachRemaining(dependency ->
                                resolve(location, dependency, mayBeAbsent).ifPresent(targets::add));
                    }
                }
            }
            if (hidden && !entries.has("")) {
                directOfHiddenLock();
            }
            dependencies.values().removeIf(Set::isEmpty);
            return new Inventory("npm", path, new ArrayList<>(packages.values()), direct, dependencies);
        }

        /** The root's own dependencies; a dev or optional dependency npm did not install is simply not there. */
        private void collectDirect(String location, JsonNode node, boolean root) {
            for (String field : List.of("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")) {
                boolean mayBeAbsent = !field.equals("dependencies") || (hidden && root);
                node.path(field).fieldNames().forEachRemaining(dependency ->
                        resolve(location, dependency, mayBeAbsent).ifPresent(direct::add));
            }
        }

        /**
         * The hidden lock file has no root entry: the project's package.json beside node_modules names the direct
         * dependencies; without it (an image holding only node_modules), every top-level package nobody depends on.
         */
        private void directOfHiddenLock() throws IOException {
            String manifest = path.substring(0, path.length() - HIDDEN.length()) + "package.json";
            if (has(tree, manifest)) {
                collectDirect("", LockFiles.readObject(tree, manifest, JSON, NpmPackages.LIMIT), true);
                return;
            }
            Set<String> dependedOn = new HashSet<>();
            dependencies.values().forEach(dependedOn::addAll);
            refsByLocation.forEach((location, ref) -> {
                if (location.lastIndexOf("node_modules/") == 0 && !dependedOn.contains(ref)) {
                    direct.add(ref);
                }
            });
        }

        /** Node's lookup: the nearest node_modules/<name> from the dependent's folder up to the project root. */
        private Optional<String> resolve(String from, String name, boolean mayBeAbsent) {
            String folder = from;
            while (true) {
                String candidate = (folder.isEmpty() ? "" : folder + "/") + "node_modules/" + name;
                JsonNode node = entries.get(candidate);
                if (node != null) {
                    return target(candidate, node);
                }
                if (folder.isEmpty()) {
                    break;
                }
                int up = folder.lastIndexOf("/node_modules/");
                folder = up < 0 ? "" : folder.substring(0, up);
            }
            if (!mayBeAbsent) {
                context.gap(path, 0, "the dependency " + name + " of " + (from.isEmpty() ? "the project" : from)
                                + " is not in the lock file",
                        "run `npm install --package-lock-only` to bring the lock file up to date");
            }
            return Optional.empty();
        }

        private Optional<String> target(String location, JsonNode node) {
            if (node.path("link").asBoolean()) {
                String folder = node.path("resolved").asText("");
                String ref = refsByLocation.get(folder);
                if (ref == null && projectFolders.contains(folder)) {
                    return Optional.empty(); // a versionless workspace is the project itself
                }
                if (ref == null) {
                    context.gap(path, 0, "the link " + location + " points to " + folder + ", which is not in the lock file",
                            "run `npm install --package-lock-only` to bring the lock file up to date");
                }
                return Optional.ofNullable(ref);
            }
            return Optional.ofNullable(refsByLocation.get(location));
        }

        private static String nameAt(String location) {
            int at = location.lastIndexOf("node_modules/");
            return at < 0 ? location.substring(location.lastIndexOf('/') + 1) : location.substring(at + "node_modules/".length());
        }

        private static List<String> licenses(JsonNode license) {
            if (license == null || license.isNull()) {
                return List.of();
            }
            if (license.isTextual()) {
                return List.of(license.asText());
            }
            if (license.hasNonNull("type")) { // the deprecated {"type": "MIT", "url": ...} form
                return List.of(license.get("type").asText());
            }
            return List.of();
        }
    }
}
