package io.jenkins.plugins.securedelivery.sbom.python;

import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.LockFiles;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cyclonedx.model.Component;

/**
 * pip requirements files ({@code requirements.txt}, {@code requirements-dev.txt}, {@code requirements/*.txt}) that pin
 * every package with {@code ==}, as pip-compile or {@code pip freeze} write them. Anything not pinned to one version
 * cannot be inventoried and is a gap. {@code -r} includes are followed inside the tree; {@code -c} constraints add no
 * package; environment markers are not evaluated (every pinned package is listed). pip-compile's {@code # via}
 * annotations give the edges and the direct dependencies. Several {@code --hash} values (one per wheel and sdist)
 * name no single file and are not reported; one is.
 *
 * <p>Hand-written: pip's requirements format is pip's own (no Java library reads it) and only its line structure is
 * needed here.
 */
public final class RequirementsScanner implements Scanner {

    private static final Pattern NAME_AND_REST =
            Pattern.compile("^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\\s*(\\[[^\\]]*\\])?\\s*(.*)$");
    private static final Pattern PINNED = Pattern.compile("^===?\\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$");
    private static final Pattern HASH = Pattern.compile("--hash[=\\s]\\s*sha256:([0-9a-fA-F]{64})");
    /** Per-requirement options (--hash) follow the requirement and its markers. */
    private static final Pattern REQUIREMENT_OPTION = Pattern.compile("\\s--?[a-z]");
    private static final Set<String> IGNORED_OPTIONS = Set.of("-i", "--index-url", "--extra-index-url", "--no-index",
            "--trusted-host", "-f", "--find-links", "--no-binary", "--only-binary", "--prefer-binary",
            "--require-hashes", "--pre", "-c", "--constraint", "--use-feature");
    private static final String PIN = "pin it with ==, e.g. generate the file with pip-compile or pip freeze";

    @Override
    public boolean reads(FileTree tree, String path) {
        String name = LockFiles.fileName(path);
        if (!name.endsWith(".txt")) {
            return false;
        }
        return name.startsWith("requirements") || name.endsWith("-requirements.txt")
                || path.equals("requirements/" + name) || path.endsWith("/requirements/" + name);
    }

    /** Files that {@code -r other.txt} includes may have any name. */
    @Override
    public boolean consults(String path) {
        return path.endsWith(".txt") || path.endsWith(".in");
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        Found found = new Found();
        read(tree, path, context, found, new HashSet<>());
        return found.inventory(path);
    }

    /**
     * What the files list, and pip-compile's "# via" annotations: who needs each package ("-r requirements.in" for
     * the project itself). Without annotations every listed package is direct and no edges are known.
     */
    private static final class Found {
        final Map<String, FoundPackage> packages = new LinkedHashMap<>();
        final Map<String, String> refsByName = new LinkedHashMap<>();
        final Map<String, List<String>> via = new LinkedHashMap<>();

        Inventory inventory(String path) {
            if (via.isEmpty()) {
                return new Inventory("pypi", path, new ArrayList<>(packages.values()), packages.keySet(), Map.of());
            }
            Set<String> direct = new LinkedHashSet<>();
            Map<String, Set<String>> dependencies = new LinkedHashMap<>();
            refsByName.forEach((name, ref) -> {
                List<String> dependents = via.getOrDefault(name, List.of());
                if (dependents.isEmpty()) {
                    direct.add(ref); // pinned by hand
                }
                for (String dependent : dependents) {
                    String from = dependent.startsWith("-") ? null : refsByName.get(PythonPackages.normalize(dependent));
                    if (from != null) {
                        dependencies.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(ref);
                    } else {
                        direct.add(ref); // "-r requirements.in", "-c constraints.txt" or a file's own name
                    }
                }
            });
            return new Inventory("pypi", path, new ArrayList<>(packages.values()), direct, dependencies);
        }
    }

    private void read(FileTree tree, String path, ScanContext context, Found found, Set<String> visited) throws IOException {
        if (!visited.add(path)) {
            return; // files including each other
        }
        List<String> lines = List.of(new String(tree.read(path, PythonPackages.LIMIT), StandardCharsets.UTF_8).split("\r?\n", -1));
        String annotated = null; // the package that "# via" lines below describe
        boolean viaList = false;
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String comment = lines.get(i).trim();
            if (annotated != null && comment.startsWith("#")) {
                String text = comment.substring(1).trim();
                if (text.equals("via")) {
                    viaList = true;
                } else if (text.startsWith("via ")) {
                    found.via.computeIfAbsent(annotated, k -> new ArrayList<>()).add(text.substring(4).trim());
                } else if (viaList && !text.isEmpty() && lines.get(i).startsWith(" ")) {
                    found.via.computeIfAbsent(annotated, k -> new ArrayList<>()).add(text);
                }
                continue;
            }
            viaList = false;
            annotated = null;
            StringBuilder logical = new StringBuilder(lines.get(i));
            while (endsWithContinuation(logical) && i + 1 < lines.size()) {
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(lines.get(++i));
            }
            String line = stripComment(logical.toString()).trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("-")) {
                option(tree, path, lineNumber, line, context, found, visited);
                continue;
            }
            annotated = requirement(path, lineNumber, line, context, found);
        }
    }

    private void option(FileTree tree, String path, int lineNumber, String line, ScanContext context,
            Found found, Set<String> visited) throws IOException {
        String[] words = line.split("[\\s=]+", 2);
        String option = words[0];
        String argument = words.length > 1 ? words[1].trim() : "";
        if (option.equals("-r") || option.equals("--requirement")) {
            String included = resolve(LockFiles.directoryOf(path), argument);
            if (included == null || Collections.binarySearch(tree.files(), included) < 0) {
                context.gap(path, lineNumber, "the included file " + argument + " is not in the tree",
                        "add it to the tree, or list its packages in this file");
                return;
            }
            read(tree, included, context, found, visited);
        } else if (option.equals("-e") || option.equals("--editable")) {
            context.gap(path, lineNumber, "the editable requirement " + argument + " has no version", PIN);
        } else if (!IGNORED_OPTIONS.contains(option)) {
            context.gap(path, lineNumber, "the option " + option + " is not understood", "remove it, or " + PIN);
        }
    }

    /** Reads one requirement; returns its normalized name, or null when it is a gap. */
    private String requirement(String path, int lineNumber, String line, ScanContext context, Found found) {
        List<String> hashes = new ArrayList<>();
        Matcher hash = HASH.matcher(line);
        while (hash.find()) {
            hashes.add(hash.group(1));
        }
        Matcher options = REQUIREMENT_OPTION.matcher(line);
        String withoutOptions = options.find() ? line.substring(0, options.start()).trim() : line;
        int marker = withoutOptions.indexOf(';');
        String requirement = (marker < 0 ? withoutOptions : withoutOptions.substring(0, marker)).trim();
        Matcher m = NAME_AND_REST.matcher(requirement);
        if (!m.matches() || requirement.contains("://") || requirement.startsWith(".")) {
            context.gap(path, lineNumber, "the requirement " + requirement + " is a file or URL, not a pinned package", PIN);
            return null;
        }
        Matcher pinned = PINNED.matcher(m.group(3).trim());
        if (!pinned.matches() || pinned.group(1).contains("*")) {
            context.gap(path, lineNumber, "the requirement " + requirement + " is not pinned to one version", PIN);
            return null;
        }
        FoundPackage pinnedPackage = new FoundPackage(PythonPackages.purl(path, m.group(1), pinned.group(1)),
                Component.Type.LIBRARY, Component.Scope.REQUIRED, PythonPackages.hashes(hashes), List.of(), path);
        found.packages.putIfAbsent(pinnedPackage.ref(), pinnedPackage);
        String name = PythonPackages.normalize(m.group(1));
        found.refsByName.putIfAbsent(name, pinnedPackage.ref());
        return name;
    }

    private static boolean endsWithContinuation(CharSequence line) {
        return line.length() > 0 && line.charAt(line.length() - 1) == '\\';
    }

    /** pip: a '#' starts a comment at the start of a line or after whitespace (URL fragments keep theirs). */
    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** The included file's path in the tree, or null when it leaves the tree or is a URL. */
    private static String resolve(String directory, String included) {
        if (included.contains("://")) {
            return null;
        }
        java.util.Deque<String> segments = new java.util.ArrayDeque<>();
        for (String segment : (included.startsWith("/") ? included : directory + included).split("/")) {
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.removeLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        return String.join("/", segments);
    }
}
