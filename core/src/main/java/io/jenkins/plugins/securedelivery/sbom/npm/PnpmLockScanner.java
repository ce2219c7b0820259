package io.jenkins.plugins.securedelivery.sbom.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.LockFiles;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclonedx.model.Component;

/**
 * pnpm's {@code pnpm-lock.yaml}, lockfileVersion 6 (pnpm 8; keys "/name@version") and 9 (pnpm 9 and 10; packages
 * plus a {@code snapshots} section holding the dependencies). Every importer (the project and its workspace packages)
 * is first-party: its dependencies are direct. Packages reachable only from devDependencies are {@code OPTIONAL}, as
 * are those pnpm marks optional. {@code link:} dependencies (workspace packages) are the project's own.
 */
public final class PnpmLockScanner implements Scanner {

    private static final YAMLMapper YAML = new YAMLMapper();

    @Override
    public boolean reads(FileTree tree, String path) {
        return LockFiles.fileName(path).equals("pnpm-lock.yaml") && !NpmPackages.insideNodeModules(LockFiles.directoryOf(path));
    }

    /** The project manifest beside a lock file: direct dependencies and workspaces come from it. */
    @Override
    public boolean consults(String path) {
        return LockFiles.fileName(path).equals("package.json") && !NpmPackages.insideNodeModules(LockFiles.directoryOf(path));
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        JsonNode lock;
        try {
            lock = YAML.readTree(tree.read(path, NpmPackages.LIMIT));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw LockFiles.malformed(path, e);
        }
        if (lock == null || !lock.isObject()) {
            throw new SbomInputException(path, 1, "the file is not a pnpm lock file", "regenerate it with `pnpm install --lockfile-only`");
        }
        String version = lock.path("lockfileVersion").asText("");
        boolean v9 = version.startsWith("9.");
        if (!v9 && !version.startsWith("6.")) {
            throw new SbomInputException(path, 1, "lockfileVersion '" + version + "' is an unknown format: versions 6 and 9 are read",
                    "regenerate it with pnpm 8 or later: `pnpm install --lockfile-only`");
        }
        JsonNode entries = lock.path("packages");
        JsonNode graph = v9 ? lock.path("snapshots") : entries;

        Map<String, FoundPackage> packages = new LinkedHashMap<>();
        Map<String, String> refByKey = new LinkedHashMap<>();
        Set<String> optional = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = graph.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            String plain = withoutPeers(key);
            String[] nameAndVersion = NpmPackages.nameAndRange(plain.startsWith("/") ? plain.substring(1) : plain);
            if (nameAndVersion == null) {
                context.gap(path, 0, "the package key " + key + " has no version", "regenerate it with `pnpm install --lockfile-only`");
                continue;
            }
            JsonNode metadata = v9 ? entries.path(plain) : field.getValue();
            String packageVersion = metadata.hasNonNull("version") ? metadata.get("version").asText() : nameAndVersion[1];
            FoundPackage found = new FoundPackage(NpmPackages.purl(path, nameAndVersion[0], packageVersion), Component.Type.LIBRARY,
                    Component.Scope.REQUIRED, NpmPackages.hashes(metadata.path("resolution").path("integrity").asText(null)),
                    List.of(), path);
            packages.putIfAbsent(found.ref(), found);
            refByKey.put(key, found.ref());
            if (field.getValue().path("optional").asBoolean()) {
                optional.add(found.ref());
            }
        }
        Map<String, Set<String>> edges = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = graph.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String from = refByKey.get(field.getKey());
            if (from == null) {
                continue;
            }
            Set<String> targets = edges.computeIfAbsent(from, k -> new LinkedHashSet<>());
            for (String section : List.of("dependencies", "optionalDependencies")) {
                field.getValue().path(section).fields().forEachRemaining(dependency -> {
                    String ref = resolve(v9, dependency.getKey(), dependency.getValue(), refByKey);
                    if (ref != null) {
                        targets.add(ref);
                    } else if (section.equals("dependencies") && !dependency.getValue().asText().startsWith("link:")) {
                        context.gap(path, 0, "the dependency " + dependency.getKey() + " " + dependency.getValue().asText()
                                + " of " + field.getKey() + " is not in the lock file", "run `pnpm install --lockfile-only`");
                    }
                });
            }
        }
        edges.values().removeIf(Set::isEmpty);

        Set<String> production = new LinkedHashSet<>();
        Set<String> development = new LinkedHashSet<>();
        JsonNode importers = lock.has("importers") ? lock.get("importers") : YAML.createObjectNode().set(".", lock);
        importers.fields().forEachRemaining(importer -> {
            for (String section : List.of("dependencies", "optionalDependencies", "devDependencies")) {
                importer.getValue().path(section).fields().forEachRemaining(dependency -> {
                    JsonNode value = dependency.getValue();
                    JsonNode reference = value.isObject() ? value.path("version") : value;
                    if (reference.asText().startsWith("link:")) {
                        return; // a workspace package: the project's own
                    }
                    String ref = resolve(v9, dependency.getKey(), reference, refByKey);
                    if (ref == null) {
                        context.gap(path, 0, "the dependency " + dependency.getKey() + " " + reference.asText() + " of importer "
                                + importer.getKey() + " is not in the lock file", "run `pnpm install --lockfile-only`");
                    } else {
                        (section.equals("devDependencies") ? development : production).add(ref);
                    }
                });
            }
        });
        Set<String> required = NpmPackages.reachable(production, edges);
        packages.replaceAll((ref, p) -> required.contains(ref) && !optional.contains(ref) ? p : p.withScope(Component.Scope.OPTIONAL));
        Set<String> direct = new LinkedHashSet<>(production);
        direct.addAll(development);
        return new Inventory("npm", path, new ArrayList<>(packages.values()), direct, edges);
    }

    /** A dependency's version reference to its key: "1.0.0(peer@2)" to "name@1.0.0(peer@2)", an alias "real@1.0.0" as is. */
    private static String resolve(boolean v9, String name, JsonNode reference, Map<String, String> refByKey) {
        String value = reference.asText();
        boolean alias = NpmPackages.nameAndRange(withoutPeers(value)) != null && !value.startsWith("/");
        String key;
        if (v9) {
            key = alias ? value : name + "@" + value;
        } else {
            key = value.startsWith("/") ? value : "/" + (alias ? value : name + "@" + value);
        }
        return refByKey.get(key);
    }

    private static String withoutPeers(String key) {
        int peers = key.indexOf('(');
        return peers < 0 ? key : key.substring(0, peers);
    }
}
