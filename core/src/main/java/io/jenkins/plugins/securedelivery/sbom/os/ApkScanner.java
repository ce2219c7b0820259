package io.jenkins.plugins.securedelivery.sbom.os;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cyclonedx.model.Component;

/**
 * The packages apk installed (Alpine, Wolfi): {@code lib/apk/db/installed}, or {@code usr/lib/apk/db/installed} where
 * {@code /lib} moved under {@code /usr}.
 */
public final class ApkScanner implements Scanner {

    static final Set<String> DATABASES = Set.of("lib/apk/db/installed", "usr/lib/apk/db/installed");
    private static final long DATABASE_LIMIT = 64L << 20;

    private record Installed(String name, String version, String arch, String license, String origin,
            List<String> depends, List<String> provides, int line) {}

    @Override
    public boolean reads(FileTree tree, String path) {
        return DATABASES.contains(path);
    }

    @Override
    public boolean consults(String path) {
        return OsRelease.PATHS.contains(path);
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        OsRelease os = OsRelease.of(tree);
        String namespace = os.id() == null ? "alpine" : os.id();
        List<Installed> installed = parse(new String(tree.read(path, DATABASE_LIMIT), StandardCharsets.UTF_8), path,
                context);
        Map<String, Installed> byName = new LinkedHashMap<>();
        Map<String, String> providers = new TreeMap<>();
        for (Installed p : installed) {
            byName.put(p.name(), p);
            for (String provided : p.provides()) {
                providers.putIfAbsent(dependencyName(provided), p.name());
            }
        }
        Map<String, PackageURL> purls = new LinkedHashMap<>();
        List<FoundPackage> packages = new ArrayList<>();
        for (Installed p : byName.values()) {
            PackageURL purl = purl(namespace, p, os, path);
            purls.put(p.name(), purl);
            List<String> licenses = p.license() == null || p.license().isBlank() ? List.of() : List.of(p.license());
            packages.add(new FoundPackage(purl, Component.Type.LIBRARY, Component.Scope.REQUIRED, Map.of(), licenses,
                    path));
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (Installed p : byName.values()) {
            Set<String> to = new LinkedHashSet<>();
            for (String dependency : p.depends()) {
                if (dependency.startsWith("!")) {
                    continue; // a conflict, not a dependency
                }
                String name = dependencyName(dependency);
                String provider = byName.containsKey(name) ? name : providers.get(name);
                if (provider != null && !provider.equals(p.name())) {
                    to.add(purls.get(provider).canonicalize());
                }
            }
            if (!to.isEmpty()) {
                edges.put(purls.get(p.name()).canonicalize(), to);
            }
        }
        Set<String> direct = new LinkedHashSet<>();
        packages.forEach(found -> direct.add(found.ref()));
        return new Inventory("apk", path, packages, direct, edges);
    }

    /** "so:libc.musl-x86_64.so.1=1" -> "so:libc.musl-x86_64.so.1"; "busybox>=1.36" -> "busybox". */
    static String dependencyName(String token) {
        int end = 0;
        while (end < token.length() && "<>=~".indexOf(token.charAt(end)) < 0) {
            end++;
        }
        return token.substring(0, end);
    }

    // The installed database is apk's own "X:value" line format (apk-tools' database.c); no Java library reads it.
    private static List<Installed> parse(String text, String path, ScanContext context) {
        List<Installed> installed = new ArrayList<>();
        Map<Character, String> fields = new LinkedHashMap<>();
        int start = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i] : "";
            if (line.isEmpty()) {
                if (!fields.isEmpty()) {
                    Installed p = installed(fields, start, path, context);
                    if (p != null) {
                        installed.add(p);
                    }
                }
                fields = new LinkedHashMap<>();
            } else if (line.length() < 2 || line.charAt(1) != ':') {
                context.gap(path, i + 1, "the line is not an \"X:value\" line of the apk database",
                        "repair the database (apk fix) or rebuild the image");
            } else {
                if (fields.isEmpty()) {
                    start = i + 1;
                }
                // file entries (F, R, a, M, Z) repeat; only package fields matter and they appear once
                fields.putIfAbsent(line.charAt(0), line.substring(2));
            }
        }
        return installed;
    }

    private static Installed installed(Map<Character, String> fields, int line, String path, ScanContext context) {
        String name = fields.get('P');
        String version = fields.get('V');
        if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
            context.gap(path, line, "a package has no P (name) or V (version) line",
                    "repair the database (apk fix) or rebuild the image");
            return null;
        }
        return new Installed(name, version, fields.get('A'), fields.get('L'), fields.get('o'),
                tokens(fields.get('D')), tokens(fields.get('p')), line);
    }

    private static List<String> tokens(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    private static PackageURL purl(String namespace, Installed p, OsRelease os, String path) {
        TreeMap<String, String> qualifiers = new TreeMap<>();
        if (p.arch() != null && !p.arch().isEmpty()) {
            qualifiers.put("arch", p.arch());
        }
        if (os.distro() != null) {
            qualifiers.put("distro", os.distro());
        }
        if (p.origin() != null && !p.origin().isEmpty() && !p.origin().equals(p.name())) {
            qualifiers.put("upstream", p.origin());
        }
        try {
            return new PackageURL("apk", namespace, p.name(), p.version(), qualifiers, null);
        } catch (MalformedPackageURLException e) {
            throw new SbomInputException(path, p.line(), "package " + p.name() + " " + p.version()
                    + " makes no valid package URL (" + e.getMessage() + ")", "repair the database (apk fix)", e);
        }
    }
}
