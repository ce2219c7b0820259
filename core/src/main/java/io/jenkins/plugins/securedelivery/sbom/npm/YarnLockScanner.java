package io.jenkins.plugins.securedelivery.sbom.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.LockFiles;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclonedx.model.Component;

/**
 * Yarn's {@code yarn.lock}: the classic format of yarn 1 and the YAML format of yarn 2+ (berry, with
 * {@code __metadata}). Direct dependencies come from the {@code package.json} beside it (berry: from the workspace
 * entries of the lock); packages reachable only from devDependencies are {@code OPTIONAL}. Berry's {@code checksum}
 * is a hash of yarn's own zip archive, not of the package, and is not reported.
 */
public final class YarnLockScanner implements Scanner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    /** One resolved package: its specs ("name@range"), what it is, and the specs it depends on. */
    private record Entry(String name, String version, String integrity, Map<String, String> dependencies,
            Map<String, String> optionalDependencies, int line) {}

    @Override
    public boolean reads(FileTree tree, String path) {
        return LockFiles.fileName(path).equals("yarn.lock") && !NpmPackages.insideNodeModules(LockFiles.directoryOf(path));
    }

    /** The project manifest beside a lock file: direct dependencies and workspaces come from it. */
    @Override
    public boolean consults(String path) {
        return LockFiles.fileName(path).equals("package.json") && !NpmPackages.insideNodeModules(LockFiles.directoryOf(path));
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        String text = new String(tree.read(path, NpmPackages.LIMIT), StandardCharsets.UTF_8);
        boolean berry = text.startsWith("__metadata:") || text.contains("\n__metadata:");
        Map<String, Entry> bySpec = berry ? berry(path, text) : classic(path, text);

        Map<String, FoundPackage> packages = new LinkedHashMap<>();
        Map<String, String> refBySpec = new LinkedHashMap<>();
        Set<String> workspaces = new LinkedHashSet<>();
        for (Map.Entry<String, Entry> e : bySpec.entrySet()) {
            Entry entry = e.getValue();
            if (entry.version() == null) {
                workspaces.add(e.getKey()); // berry's workspace entries: the project itself
                continue;
            }
            FoundPackage found = new FoundPackage(NpmPackages.purl(path, entry.name(), entry.version()), Component.Type.LIBRARY,
                    Component.Scope.REQUIRED, NpmPackages.hashes(entry.integrity()), List.of(), path);
            packages.putIfAbsent(found.ref(), found);
            refBySpec.put(e.getKey(), found.ref());
        }
        Map<String, Set<String>> edges = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : bySpec.entrySet()) {
            String from = refBySpec.get(e.getKey());
            if (from == null) {
                continue;
            }
            Set<String> targets = edges.computeIfAbsent(from, k -> new LinkedHashSet<>());
            link(path, e.getValue(), e.getValue().dependencies(), refBySpec, workspaces, targets, context, true);
            link(path, e.getValue(), e.getValue().optionalDependencies(), refBySpec, workspaces, targets, context, false);
        }
        edges.values().removeIf(Set::isEmpty);

        Set<String> production = new LinkedHashSet<>();
        Set<String> development = new LinkedHashSet<>();
        JsonNode manifest = manifest(tree, path);
        Set<String> devNames = new HashSet<>();
        if (manifest != null) {
            manifest.path("devDependencies").fieldNames().forEachRemaining(devNames::add);
        }
        if (berry) {
            for (String workspace : workspaces) {
                bySpec.get(workspace).dependencies().forEach((name, range) -> {
                    String ref = refBySpec.get(name + "@" + range);
                    if (ref != null) {
                        (devNames.contains(name) ? development : production).add(ref);
                    }
                });
            }
        } else if (manifest != null) {
            for (String field : List.of("dependencies", "optionalDependencies", "devDependencies")) {
                manifest.path(field).fields().forEachRemaining(dependency -> {
                    String ref = refBySpec.get(dependency.getKey() + "@" + dependency.getValue().asText());
                    if (ref == null && !field.equals("optionalDependencies")) {
                        context.gap(path, 0, "the dependency " + dependency.getKey() + "@" + dependency.getValue().asText()
                                + " of package.json is not in the lock file", "run `yarn install` to bring the lock file up to date");
                    } else if (ref != null) {
                        (field.equals("devDependencies") ? development : production).add(ref);
                    }
                });
            }
        } else {
            Set<String> dependedOn = new HashSet<>();
            edges.values().forEach(dependedOn::addAll);
            packages.keySet().stream().filter(ref -> !dependedOn.contains(ref)).forEach(production::add);
        }
        Set<String> required = NpmPackages.reachable(production, edges);
        packages.replaceAll((ref, p) -> required.contains(ref) ? p : p.withScope(Component.Scope.OPTIONAL));
        Set<String> direct = new LinkedHashSet<>(production);
        direct.addAll(development);
        return new Inventory("npm", path, new ArrayList<>(packages.values()), direct, edges);
    }

    private static void link(String path, Entry from, Map<String, String> dependencies, Map<String, String> refBySpec,
            Set<String> workspaces, Set<String> targets, ScanContext context, boolean required) {
        dependencies.forEach((name, range) -> {
            String ref = refBySpec.get(name + "@" + range);
            if (ref != null) {
                targets.add(ref);
            } else if (required && !workspaces.contains(name + "@" + range)) { // a workspace is the project's own
                context.gap(path, from.line(), "the dependency " + name + "@" + range + " of " + from.name()
                        + " is not in the lock file", "run `yarn install` to bring the lock file up to date");
            }
        });
    }

    private static JsonNode manifest(FileTree tree, String path) throws IOException {
        String manifest = LockFiles.directoryOf(path) + "package.json";
        return Collections.binarySearch(tree.files(), manifest) >= 0 ? LockFiles.readObject(tree, manifest, JSON, NpmPackages.LIMIT) : null;
    }

    /**
     * Yarn 1's format. Hand-written: it is yarn's own YAML-like syntax (unquoted keys with spaces, "key value" pairs)
     * that YAML parsers reject, and no Java library reads it.
     */
    static Map<String, Entry> classic(String path, String text) {
        Map<String, Entry> bySpec = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n");
        List<String> specs = null;
        String version = null;
        String integrity = null;
        Map<String, String> dependencies = null;
        Map<String, String> optional = null;
        Map<String, String> current = null;
        int start = 0;
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i] : "";
            if (line.startsWith("#") || line.isBlank() && i < lines.length) {
                continue;
            }
            boolean top = i == lines.length || !Character.isWhitespace(line.charAt(0));
            if (top) {
                if (specs != null) {
                    if (version == null) {
                        throw new SbomInputException(path, start, "the entry " + String.join(", ", specs) + " has no version",
                                "regenerate the lock file with `yarn install`");
                    }
                    String[] nameAndRange = NpmPackages.nameAndRange(specs.get(0));
                    String name = realName(nameAndRange[0], nameAndRange[1]);
                    Entry entry = new Entry(name, version, integrity, dependencies, optional, start);
                    specs.forEach(spec -> bySpec.put(spec, entry));
                }
                if (i == lines.length) {
                    break;
                }
                if (!line.endsWith(":")) {
                    throw new SbomInputException(path, i + 1, "expected a package entry (\"name@range:\"), found: " + line,
                            "regenerate the lock file with `yarn install`");
                }
                specs = new ArrayList<>();
                for (String spec : line.substring(0, line.length() - 1).split(",")) {
                    String unquoted = unquote(spec.trim());
                    if (NpmPackages.nameAndRange(unquoted) == null) {
                        throw new SbomInputException(path, i + 1, "the entry " + unquoted + " has no version range",
                                "regenerate the lock file with `yarn install`");
                    }
                    specs.add(unquoted);
                }
                start = i + 1;
                version = null;
                integrity = null;
                dependencies = new LinkedHashMap<>();
                optional = new LinkedHashMap<>();
                current = null;
                continue;
            }
            if (specs == null) {
                throw new SbomInputException(path, i + 1, "an indented line outside any entry", "regenerate the lock file with `yarn install`");
            }
            String trimmed = line.trim();
            boolean nested = line.startsWith("    ");
            if (nested && current != null) {
                String[] pair = pair(path, i + 1, trimmed);
                current.put(unquote(pair[0]), unquote(pair[1]));
                continue;
            }
            current = null;
            if (trimmed.endsWith(":")) {
                String key = trimmed.substring(0, trimmed.length() - 1);
                current = key.equals("dependencies") ? dependencies
                        : key.equals("optionalDependencies") ? optional : new LinkedHashMap<>();
                continue;
            }
            String[] pair = pair(path, i + 1, trimmed);
            if (pair[0].equals("version")) {
                version = unquote(pair[1]);
            } else if (pair[0].equals("integrity")) {
                integrity = unquote(pair[1]);
            }
        }
        return bySpec;
    }

    private static String[] pair(String path, int line, String text) {
        int space = text.indexOf(' ');
        if (space < 0) {
            throw new SbomInputException(path, line, "expected \"key value\", found: " + text,
                    "regenerate the lock file with `yarn install`");
        }
        return new String[] {text.substring(0, space), text.substring(space + 1).trim()};
    }

    private static String unquote(String text) {
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }

    /** An alias "name@npm:real@range" installs the package "real". */
    private static String realName(String name, String range) {
        if (range.startsWith("npm:")) {
            String[] aliased = NpmPackages.nameAndRange(range.substring(4));
            return aliased == null ? range.substring(4) : aliased[0];
        }
        return name;
    }

    /** Yarn 2+ lock files are YAML; each key lists the specs ("name@npm:range") that resolved to the entry. */
    static Map<String, Entry> berry(String path, String text) {
        JsonNode lock;
        try {
            lock = YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw LockFiles.malformed(path, e);
        }
        if (lock == null || !lock.isObject()) {
            throw new SbomInputException(path, 1, "the file is not a yarn lock file", "regenerate it with `yarn install`");
        }
        Map<String, Entry> bySpec = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = lock.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata")) {
                continue;
            }
            JsonNode node = field.getValue();
            String resolution = node.path("resolution").asText("");
            String[] nameAndReference = NpmPackages.nameAndRange(resolution);
            if (nameAndReference == null) {
                throw new SbomInputException(path, 0, "the entry " + field.getKey() + " has no resolution",
                        "regenerate the lock file with `yarn install`");
            }
            boolean workspace = nameAndReference[1].startsWith("workspace:");
            Map<String, String> dependencies = new LinkedHashMap<>();
            node.path("dependencies").fields().forEachRemaining(d -> dependencies.put(d.getKey(), d.getValue().asText()));
            Map<String, String> optional = new LinkedHashMap<>();
            node.path("dependenciesMeta").fields().forEachRemaining(meta -> {
                if (meta.getValue().path("optional").asBoolean() && dependencies.containsKey(meta.getKey())) {
                    optional.put(meta.getKey(), dependencies.remove(meta.getKey()));
                }
            });
            Entry entry = new Entry(nameAndReference[0], workspace ? null : node.path("version").asText(null), null,
                    dependencies, optional, 0);
            if (!workspace && entry.version() == null) {
                throw new SbomInputException(path, 0, "the entry " + field.getKey() + " has no version",
                        "regenerate the lock file with `yarn install`");
            }
            for (String spec : field.getKey().split(",")) {
                bySpec.put(spec.trim(), entry);
            }
        }
        return bySpec;
    }
}
