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
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cyclonedx.model.Component;

/**
 * The packages dpkg installed (Debian, Ubuntu and their derivatives): {@code var/lib/dpkg/status}, plus the
 * per-package files of distroless images in {@code var/lib/dpkg/status.d/}. Both are read together as one database,
 * so dependencies resolve across them.
 */
public final class DpkgScanner implements Scanner {

    static final String STATUS = "var/lib/dpkg/status";
    static final String STATUS_D = "var/lib/dpkg/status.d/";
    private static final long DATABASE_LIMIT = 64L << 20;
    private static final long COPYRIGHT_LIMIT = 4L << 20;

    private record Installed(String name, String depends, String provides, String file, PackageURL purl) {}

    /**
     * Reads the database once per tree: through {@code status} when there is one, else through the first file of
     * {@code status.d}. Asked without any file listed, it says yes to every database file, so an image holds them.
     */
    @Override
    public boolean reads(FileTree tree, String path) {
        if (!isDatabase(path)) {
            return false;
        }
        List<String> files = tree.files();
        if (files.isEmpty() || path.equals(STATUS)) {
            return true;
        }
        return !contains(files, STATUS) && path.equals(databaseFiles(files).get(0));
    }

    @Override
    public boolean consults(String path) {
        return isDatabase(path) || OsRelease.PATHS.contains(path)
                || path.startsWith("usr/share/doc/") && path.endsWith("/copyright")
                        && path.indexOf('/', "usr/share/doc/".length()) == path.length() - "/copyright".length();
    }

    private static boolean isDatabase(String path) {
        return path.equals(STATUS) || path.startsWith(STATUS_D) && path.indexOf('/', STATUS_D.length()) < 0
                && !path.endsWith(".md5sums");
    }

    private static boolean contains(List<String> sorted, String path) {
        return Collections.binarySearch(sorted, path) >= 0;
    }

    private static List<String> databaseFiles(List<String> sorted) {
        List<String> found = new ArrayList<>();
        if (contains(sorted, STATUS)) {
            found.add(STATUS);
        }
        int from = Collections.binarySearch(sorted, STATUS_D);
        for (int i = from < 0 ? -from - 1 : from; i < sorted.size() && sorted.get(i).startsWith(STATUS_D); i++) {
            if (isDatabase(sorted.get(i))) {
                found.add(sorted.get(i));
            }
        }
        return found;
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        OsRelease os = OsRelease.of(tree);
        String namespace = os.id() == null ? "debian" : os.id();
        List<String> database = databaseFiles(tree.files());
        if (!database.contains(path)) {
            database.add(path);
        }
        TreeMap<String, Installed> installed = new TreeMap<>();
        for (String file : database) {
            read(tree, file, namespace, os, context, installed);
        }
        Map<String, Set<String>> providers = new TreeMap<>();
        List<FoundPackage> packages = new ArrayList<>();
        for (Installed p : installed.values()) {
            providers.computeIfAbsent(p.name(), n -> new TreeSet<>()).add(p.name());
            for (String provided : split(p.provides(), ',')) {
                providers.computeIfAbsent(relationName(provided), n -> new TreeSet<>()).add(p.name());
            }
        }
        for (Installed p : installed.values()) {
            packages.add(new FoundPackage(p.purl(), Component.Type.LIBRARY, Component.Scope.REQUIRED, Map.of(),
                    licenses(tree, p.name()), p.file()));
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (Installed p : installed.values()) {
            Set<String> to = new LinkedHashSet<>();
            for (String alternatives : split(p.depends(), ',')) {
                for (String alternative : split(alternatives, '|')) {
                    String provider = provider(relationName(alternative), providers);
                    if (provider != null) {
                        if (!provider.equals(p.name())) {
                            to.add(installed.get(provider).purl().canonicalize());
                        }
                        break;
                    }
                }
            }
            if (!to.isEmpty()) {
                edges.put(p.purl().canonicalize(), to);
            }
        }
        Set<String> direct = new LinkedHashSet<>();
        packages.forEach(found -> direct.add(found.ref()));
        return new Inventory("deb", path, packages, direct, edges);
    }

    private static void read(FileTree tree, String file, String namespace, OsRelease os, ScanContext context,
            Map<String, Installed> into) throws IOException {
        Deb822.Parsed parsed = Deb822.parse(new String(tree.read(file, DATABASE_LIMIT), StandardCharsets.UTF_8));
        for (Deb822.Malformed bad : parsed.malformed()) {
            context.gap(file, bad.line(), "the line is not a \"Field: value\" line of the dpkg database",
                    "repair or regenerate the database (dpkg --audit)");
        }
        boolean perPackageFile = !file.equals(STATUS);
        for (Deb822.Paragraph paragraph : parsed.paragraphs()) {
            String status = paragraph.get("Status");
            // distroless writes one control file per installed package, without a Status field
            boolean isInstalled = status == null ? perPackageFile : status.trim().equals("install ok installed");
            if (!isInstalled) {
                continue;
            }
            String name = paragraph.get("Package");
            String version = paragraph.get("Version");
            if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
                context.gap(file, paragraph.line(), "an installed package has no Package or Version field",
                        "repair or regenerate the database (dpkg --audit)");
                continue;
            }
            String arch = paragraph.get("Architecture");
            String source = paragraph.get("Source");
            String depends = join(paragraph.get("Pre-Depends"), paragraph.get("Depends"));
            into.put(name, new Installed(name, depends, paragraph.get("Provides"), file,
                    purl(namespace, name, version, arch, source, os, file, paragraph.line())));
        }
    }

    /** The installed package a relation names: itself when installed, else the first installed provider. */
    private static String provider(String name, Map<String, Set<String>> providers) {
        Set<String> found = providers.get(name);
        if (found == null || found.isEmpty()) {
            return null;
        }
        return found.contains(name) ? name : found.iterator().next();
    }

    /** "libc6:amd64 (>= 2.34) [amd64] <!nocheck>" -> "libc6". */
    static String relationName(String relation) {
        String name = relation.trim();
        int end = 0;
        while (end < name.length() && " (\t[<:".indexOf(name.charAt(end)) < 0) {
            end++;
        }
        return name.substring(0, end);
    }

    private static PackageURL purl(String namespace, String name, String version, String arch, String source,
            OsRelease os, String file, int line) {
        TreeMap<String, String> qualifiers = new TreeMap<>();
        if (arch != null && !arch.isEmpty()) {
            qualifiers.put("arch", arch);
        }
        if (os.distro() != null) {
            qualifiers.put("distro", os.distro());
        }
        if (source != null && !source.isEmpty()) {
            // "Source: bzip2 (1.0.8-5)" names the source package and, when it differs, its version
            String sourceName = relationName(source);
            int open = source.indexOf('(');
            String sourceVersion = open < 0 ? null : source.substring(open + 1, source.indexOf(')', open)).trim();
            if (!sourceName.equals(name) || sourceVersion != null) {
                qualifiers.put("upstream", sourceVersion == null ? sourceName : sourceName + "@" + sourceVersion);
            }
        }
        try {
            return new PackageURL("deb", namespace, name, version, qualifiers, null);
        } catch (MalformedPackageURLException e) {
            throw new SbomInputException(file, line, "package " + name + " " + version + " makes no valid package URL ("
                    + e.getMessage() + ")", "repair or regenerate the database (dpkg --audit)", e);
        }
    }

    /** Licences of a DEP-5 machine-readable copyright file; other copyright files are prose and give none. */
    private static List<String> licenses(FileTree tree, String name) {
        byte[] bytes;
        try {
            bytes = tree.read("usr/share/doc/" + name + "/copyright", COPYRIGHT_LIMIT);
        } catch (IOException | SbomInputException | IllegalArgumentException absent) {
            return List.of(); // no copyright file (docs excluded from the image): the licence is unknown, not wrong
        }
        Deb822.Parsed parsed = Deb822.parse(new String(bytes, StandardCharsets.UTF_8));
        if (parsed.paragraphs().isEmpty() || parsed.paragraphs().get(0).get("Format") == null) {
            return List.of();
        }
        Set<String> licenses = new LinkedHashSet<>();
        for (Deb822.Paragraph paragraph : parsed.paragraphs()) {
            String license = paragraph.firstLine("License");
            boolean describesFiles = paragraph.get("Files") != null || paragraph.get("Format") != null;
            if (license != null && !license.isEmpty() && describesFiles) {
                licenses.add(license);
            }
        }
        return List.copyOf(licenses);
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + ", " + b;
    }

    private static List<String> split(String value, char separator) {
        List<String> parts = new ArrayList<>();
        if (value != null) {
            for (String part : value.replace('\n', ' ').split(java.util.regex.Pattern.quote(String.valueOf(separator)))) {
                if (!part.isBlank()) {
                    parts.add(part.trim());
                }
            }
        }
        return parts;
    }
}
