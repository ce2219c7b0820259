package io.jenkins.plugins.securedelivery.sbom.python;

import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclonedx.model.Component;

/**
 * Python packages installed in an environment, as a container image holds them: every
 * {@code site-packages/*.dist-info/METADATA} (and {@code dist-packages}, Debian's name; {@code *.egg-info/PKG-INFO}
 * for older installs). One inventory per environment, so that edges ({@code Requires-Dist}) resolve against what is
 * installed beside: the scanner reads the first metadata file of each environment and then all of them. Requirements
 * for extras are not followed (an extra is only installed when asked for); direct dependencies are the installed
 * packages no other installed package requires.
 */
public final class InstalledPythonScanner implements Scanner {

    /** Installed metadata is a few kilobytes; a long description can reach a megabyte. */
    private static final long LIMIT = 8L * 1024 * 1024;

    @Override
    public boolean reads(FileTree tree, String path) {
        String environment = environmentOf(path);
        if (environment == null) {
            return false;
        }
        for (String file : tree.files().subList(firstIndexFrom(tree.files(), environment), tree.files().size())) {
            if (!file.startsWith(environment)) {
                break;
            }
            if (environment.equals(environmentOf(file))) {
                return file.equals(path); // the environment is read once, from its first metadata file
            }
        }
        return false;
    }

    /** Every installed package's metadata: the environment is read as a whole from its first metadata file. */
    @Override
    public boolean consults(String path) {
        return environmentOf(path) != null;
    }

    /** The site-packages folder (with trailing '/') holding an installed package's metadata file, or null. */
    static String environmentOf(String path) {
        String[] parts = path.split("/");
        if (parts.length < 3) {
            return null;
        }
        String folder = parts[parts.length - 3];
        String info = parts[parts.length - 2];
        String file = parts[parts.length - 1];
        boolean metadata = (info.endsWith(".dist-info") && file.equals("METADATA"))
                || (info.endsWith(".egg-info") && file.equals("PKG-INFO"));
        if (!metadata || !(folder.equals("site-packages") || folder.equals("dist-packages"))) {
            return null;
        }
        return path.substring(0, path.length() - info.length() - file.length() - 1);
    }

    private static int firstIndexFrom(List<String> files, String prefix) {
        int index = java.util.Collections.binarySearch(files, prefix);
        return index >= 0 ? index : -index - 1;
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        String environment = environmentOf(path);
        List<String> files = tree.files();
        Map<String, FoundPackage> packages = new LinkedHashMap<>();
        Map<String, String> refsByName = new LinkedHashMap<>();
        Map<String, List<String>> requiresByRef = new LinkedHashMap<>();
        for (int i = firstIndexFrom(files, environment); i < files.size() && files.get(i).startsWith(environment); i++) {
            String file = files.get(i);
            if (!environment.equals(environmentOf(file))) {
                continue;
            }
            Map<String, List<String>> headers = headers(new String(tree.read(file, LIMIT), StandardCharsets.UTF_8));
            String name = first(headers, "Name");
            String version = first(headers, "Version");
            if (name == null || version == null) {
                context.gap(file, 0, "the installed package's metadata has no Name or Version",
                        "reinstall the package with pip");
                continue;
            }
            FoundPackage found = new FoundPackage(PythonPackages.purl(file, name, version), Component.Type.LIBRARY,
                    Component.Scope.REQUIRED, Map.of(), licenses(headers), file);
            packages.putIfAbsent(found.ref(), found);
            refsByName.put(PythonPackages.normalize(name), found.ref());
            requiresByRef.put(found.ref(), headers.getOrDefault("Requires-Dist", List.of()));
        }
        Map<String, Set<String>> dependencies = new LinkedHashMap<>();
        Set<String> dependedOn = new HashSet<>();
        requiresByRef.forEach((from, requirements) -> {
            Set<String> targets = new LinkedHashSet<>();
            for (String requirement : requirements) {
                int marker = requirement.indexOf(';');
                if (marker >= 0 && requirement.substring(marker).contains("extra")) {
                    continue;
                }
                String to = refsByName.get(PythonPackages.requirementName(requirement));
                if (to != null) {
                    targets.add(to); // one not installed is for another Python or platform, or the install is broken
                }
            }
            if (!targets.isEmpty()) {
                dependencies.put(from, targets);
                dependedOn.addAll(targets);
            }
        });
        Set<String> direct = new LinkedHashSet<>(packages.keySet());
        direct.removeAll(dependedOn);
        return new Inventory("pypi", environment.substring(0, environment.length() - 1), new ArrayList<>(packages.values()),
                direct, dependencies);
    }

    /**
     * The header block of core metadata. Hand-written: it is RFC 822 email headers, which the JDK does not parse, and
     * only "Name: value" lines with folded continuations are needed.
     */
    static Map<String, List<String>> headers(String text) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                break; // the description body follows
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append('\n').append(line.strip());
                continue;
            }
            if (name != null) {
                headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString().trim());
            }
            int colon = line.indexOf(':');
            name = colon < 0 ? null : line.substring(0, colon);
            value.setLength(0);
            if (colon >= 0) {
                value.append(line.substring(colon + 1));
            }
        }
        if (name != null) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString().trim());
        }
        return headers;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    /**
     * License-Expression (SPDX, metadata 2.4), else a short License field (older packages put the whole licence text
     * there, which names nothing), else the trove classifiers' licence names.
     */
    private static List<String> licenses(Map<String, List<String>> headers) {
        String expression = first(headers, "License-Expression");
        if (expression != null) {
            return List.of(expression);
        }
        String license = first(headers, "License");
        if (license != null && !license.contains("\n") && license.length() <= 100 && !license.equalsIgnoreCase("UNKNOWN")) {
            return List.of(license);
        }
        List<String> classifiers = new ArrayList<>();
        for (String classifier : headers.getOrDefault("Classifier", List.of())) {
            if (classifier.startsWith("License ::") && !classifier.equals("License :: OSI Approved")) {
                classifiers.add(classifier.substring(classifier.lastIndexOf("::") + 2).trim());
            }
        }
        return classifiers;
    }
}
