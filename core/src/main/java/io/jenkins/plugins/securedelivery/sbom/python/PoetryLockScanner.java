package io.jenkins.plugins.securedelivery.sbom.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclonedx.model.Component;

/**
 * Poetry's {@code poetry.lock} (lock formats 1.x with {@code category} and 2.x with {@code groups}). A package only in
 * non-main groups, or only installed for an extra ({@code optional = true}), is {@code OPTIONAL}. Direct dependencies
 * come from the {@code pyproject.toml} beside the lock file (Poetry's tables and PEP 621's {@code [project]}); without
 * it, the packages no other package depends on.
 */
public final class PoetryLockScanner implements Scanner {

    static final TomlMapper TOML = new TomlMapper();

    @Override
    public boolean reads(FileTree tree, String path) {
        return LockFiles.fileName(path).equals("poetry.lock");
    }

    /** pyproject.toml, which names the direct dependencies. */
    @Override
    public boolean consults(String path) {
        return LockFiles.fileName(path).equals("pyproject.toml");
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        JsonNode lock = LockFiles.readObject(tree, path, TOML, PythonPackages.LIMIT);
        if (!lock.path("package").isArray()) {
            throw new SbomInputException(path, 0, "the file has no [[package]] entries: it is not a Poetry lock file",
                    "regenerate it with `poetry lock`");
        }
        Map<String, FoundPackage> packages = new LinkedHashMap<>();
        Map<String, String> refsByName = new HashMap<>();
        for (JsonNode entry : lock.get("package")) {
            String name = entry.path("name").asText(null);
            String version = entry.path("version").asText(null);
            if (name == null || version == null) {
                context.gap(path, 0, "a [[package]] entry has no name or version (" + entry + ")", "regenerate it with `poetry lock`");
                continue;
            }
            List<String> digests = new ArrayList<>();
            // lock format 1.x kept the files of every package in [metadata.files]
            JsonNode files = entry.has("files") ? entry.get("files") : lock.path("metadata").path("files").path(name);
            for (JsonNode file : files) {
                String hash = file.path("hash").asText("");
                if (hash.startsWith("sha256:")) {
                    digests.add(hash.substring("sha256:".length()));
                }
            }
            FoundPackage found = new FoundPackage(PythonPackages.purl(path, name, version), Component.Type.LIBRARY,
                    optional(entry) ? Component.Scope.OPTIONAL : Component.Scope.REQUIRED, PythonPackages.hashes(digests),
                    List.of(), path);
            packages.put(found.ref(), found);
            refsByName.put(PythonPackages.normalize(name), found.ref());
        }
        Map<String, Set<String>> dependencies = new LinkedHashMap<>();
        for (JsonNode entry : lock.get("package")) {
            String from = refsByName.get(PythonPackages.normalize(entry.path("name").asText("")));
            if (from == null) {
                continue;
            }
            Set<String> targets = new LinkedHashSet<>();
            entry.path("dependencies").fields().forEachRemaining(dependency -> {
                String to = refsByName.get(PythonPackages.normalize(dependency.getKey()));
                if (to != null) {
                    targets.add(to);
                } else if (!conditional(dependency.getValue())) {
                    context.gap(path, 0, "the dependency " + dependency.getKey() + " of " + entry.path("name").asText()
                            + " is not in the lock file", "run `poetry lock` to bring the lock file up to date");
                } // a dependency for other platforms, Python versions or extras is not locked here
            });
            if (!targets.isEmpty()) {
                dependencies.put(from, targets);
            }
        }
        Set<String> direct = direct(tree, path, refsByName, dependencies);
        return new Inventory("pypi", path, new ArrayList<>(packages.values()), direct, dependencies);
    }

    private static boolean optional(JsonNode entry) {
        if (entry.path("optional").asBoolean()) {
            return true;
        }
        if (entry.has("groups")) {
            for (JsonNode group : entry.get("groups")) {
                if (group.asText().equals("main")) {
                    return false;
                }
            }
            return true;
        }
        return entry.path("category").asText("main").equals("dev");
    }

    /** A dependency declared with markers, for extras or as optional may rightly be absent from the lock. */
    private static boolean conditional(JsonNode constraint) {
        if (constraint.isArray()) {
            return true; // one constraint per platform or Python version
        }
        return constraint.isObject() && (constraint.has("markers") || constraint.has("python")
                || constraint.has("platform") || constraint.path("optional").asBoolean() || constraint.has("extras"));
    }

    private static Set<String> direct(FileTree tree, String path, Map<String, String> refsByName,
            Map<String, Set<String>> dependencies) throws IOException {
        String pyproject = LockFiles.directoryOf(path) + "pyproject.toml";
        Set<String> names = new LinkedHashSet<>();
        if (Collections.binarySearch(tree.files(), pyproject) >= 0) {
            JsonNode project = LockFiles.readObject(tree, pyproject, TOML, PythonPackages.LIMIT);
            JsonNode poetry = project.path("tool").path("poetry");
            poetry.path("dependencies").fieldNames().forEachRemaining(names::add);
            poetry.path("dev-dependencies").fieldNames().forEachRemaining(names::add);
            poetry.path("group").forEach(group -> group.path("dependencies").fieldNames().forEachRemaining(names::add));
            project.path("project").path("dependencies").forEach(requirement -> names.add(requirement.asText()));
            project.path("project").path("optional-dependencies").forEach(extra -> extra.forEach(r -> names.add(r.asText())));
            project.path("dependency-groups").forEach(group -> group.forEach(r -> names.add(r.asText())));
            Set<String> direct = new LinkedHashSet<>();
            for (String name : names) {
                String normalized = PythonPackages.requirementName(name);
                if (normalized != null && refsByName.containsKey(normalized)) {
                    direct.add(refsByName.get(normalized)); // "python" and groups' includes are no packages
                }
            }
            return direct;
        }
        Set<String> dependedOn = new HashSet<>();
        dependencies.values().forEach(dependedOn::addAll);
        Set<String> direct = new LinkedHashSet<>(refsByName.values());
        direct.removeAll(dependedOn);
        return direct;
    }
}
