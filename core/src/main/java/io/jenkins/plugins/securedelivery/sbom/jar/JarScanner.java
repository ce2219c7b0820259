package io.jenkins.plugins.securedelivery.sbom.jar;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.cyclonedx.model.Component;

/**
 * Java archives ({@code .jar}, {@code .war}, {@code .ear}) found as files, as in a container image: each
 * {@code META-INF/maven/<group>/<artifact>/pom.properties} inside names a Maven artifact (a shaded jar holds many), and
 * jars nested in {@code BOOT-INF/lib}, {@code WEB-INF/lib} or an ear are read too, within bounds.
 *
 * <p>A jar without pom.properties (Gradle and Ant do not write one) is named by its manifest's
 * {@code Implementation-Title}/{@code -Version} (or {@code Bundle-SymbolicName}/{@code -Version}, or its file name)
 * as {@code pkg:generic} with its SHA-256, which identifies it exactly: its Maven group is unknown, and
 * {@code Implementation-Vendor-Id} is often not the group (commons-compress says "org.apache"). Only a jar that says
 * neither name nor version is a gap: guessing would put a wrong component in the SBOM, and dropping it would hide code
 * that runs.
 */
public final class JarScanner implements Scanner {

    private static final Set<String> EXTENSIONS = Set.of(".jar", ".war", ".ear");
    /** Build-tool wrappers fetch the build tool; they are not part of what is built or shipped. */
    private static final List<String> WRAPPERS = List.of(".mvn/wrapper/", "gradle/wrapper/");
    private static final List<String> SOURCE_TREE_SKIPPED = List.of(".mvn/wrapper/", "gradle/wrapper/", "src/test/",
            "target/", "build/");
    private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");
    private static final Pattern FILE_VERSION = Pattern.compile("(.+?)-(\\d[^/]*)\\.[jwe]ar");
    private static final int MAX_DEPTH = 3;
    private static final long NESTED_LIMIT = 256L << 20;
    private static final long IN_MEMORY_LIMIT = 1L << 30;
    private static final long SMALL_FILE_LIMIT = 1L << 20;

    /**
     * Archives anywhere in an image. In a source tree, not the build tool's wrapper, test fixtures or build output:
     * none of them is shipped as such, and the build's own dependencies are read from its manifests.
     */
    @Override
    public boolean reads(FileTree tree, String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        if (dot <= 0 || !EXTENSIONS.contains(lower.substring(dot))) {
            return false;
        }
        List<String> skipped = tree.onDisk(path).isPresent() ? SOURCE_TREE_SKIPPED : WRAPPERS;
        return skipped.stream().noneMatch(dir -> lower.startsWith(dir) || lower.contains("/" + dir));
    }

    /** What one archive and its nested archives hold. */
    private static final class Found {
        final Map<String, FoundPackage> packages = new LinkedHashMap<>();
        final Map<String, Set<String>> edges = new TreeMap<>();

        void add(FoundPackage found) {
            packages.merge(found.ref(), found, (old, added) -> old.hashes().isEmpty() ? added : old);
        }

        void edge(String from, String to) {
            if (!from.equals(to)) {
                edges.computeIfAbsent(from, f -> new LinkedHashSet<>()).add(to);
            }
        }
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        Found found = new Found();
        Optional<Path> onDisk = tree.onDisk(path);
        Optional<String> identity;
        if (onDisk.isPresent() && Files.isRegularFile(onDisk.get())) {
            String sha256;
            try (InputStream in = Files.newInputStream(onDisk.get())) {
                sha256 = sha256(in);
            }
            try (ZipFile zip = open(() -> ZipFile.builder().setPath(onDisk.get()).get(), path, context)) {
                identity = zip == null ? Optional.empty() : archive(zip, path, sha256, 0, found, context);
            }
        } else {
            byte[] bytes;
            try {
                bytes = tree.read(path, IN_MEMORY_LIMIT);
            } catch (SbomInputException tooLarge) {
                // an image holds a file only up to its single-file limit
                context.gap(path, 0, tooLarge.getMessage(), "raise the image's single-file limit to scan this archive");
                return new Inventory("jar", path, List.of(), Set.of(), Map.of());
            }
            identity = inMemory(bytes, path, 0, found, context);
        }
        Set<String> direct = new LinkedHashSet<>();
        if (identity.isPresent()) {
            direct.add(identity.get());
        } else {
            direct.addAll(found.packages.keySet());
            found.edges.keySet().forEach(from -> direct.removeAll(found.edges.get(from)));
        }
        return new Inventory("jar", path, List.copyOf(found.packages.values()), direct, found.edges);
    }

    private interface Opening {
        ZipFile get() throws IOException;
    }

    private static ZipFile open(Opening opening, String path, ScanContext context) {
        try {
            return opening.get();
        } catch (IOException | RuntimeException e) {
            context.gap(path, 0, "is not a readable zip archive (" + e.getMessage() + ")",
                    "check that the archive is complete; rebuild it");
            return null;
        }
    }

    private static Optional<String> inMemory(byte[] bytes, String path, int depth, Found found, ScanContext context)
            throws IOException {
        String sha256 = HexFormat.of().formatHex(digest().digest(bytes));
        try (ZipFile zip = open(() -> ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(bytes))
                .get(), path, context)) {
            return zip == null ? Optional.empty() : archive(zip, path, sha256, depth, found, context);
        }
    }

    /** Reads one archive; returns the reference of the package that is the archive itself, when known. */
    private static Optional<String> archive(ZipFile zip, String path, String sha256, int depth, Found found,
            ScanContext context) throws IOException {
        List<FoundPackage> declared = new ArrayList<>();
        List<ZipArchiveEntry> nested = new ArrayList<>();
        Manifest manifest = null;
        for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
            String name = entry.getName();
            Matcher pom = POM_PROPERTIES.matcher(name);
            if (pom.matches()) {
                FoundPackage p = pomProperties(zip, entry, pom.group(1), pom.group(2), path, context);
                if (p != null) {
                    declared.add(p);
                }
            } else if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                manifest = manifest(zip, entry, path, context);
            } else if (!entry.isDirectory() && isArchiveName(name)) {
                nested.add(entry);
            }
        }
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        FoundPackage self = itself(declared, manifest, fileName);
        if (self == null && declared.isEmpty()) {
            self = fromManifest(manifest, fileName, path, context);
        }
        String selfRef = null;
        if (self != null) {
            self = new FoundPackage(self.purl(), Component.Type.LIBRARY, Component.Scope.REQUIRED,
                    Map.of("SHA-256", sha256), licenses(manifest), path);
            selfRef = self.ref();
            found.add(self);
        }
        for (FoundPackage p : declared) {
            if (selfRef == null || !p.ref().equals(selfRef)) {
                found.add(p);
                if (selfRef != null) {
                    found.edge(selfRef, p.ref());
                }
            }
        }
        for (ZipArchiveEntry entry : nested) {
            String inner = path + "!/" + entry.getName();
            if (depth + 1 > MAX_DEPTH) {
                context.gap(inner, 0, "is nested more than " + MAX_DEPTH + " archives deep and was not read",
                        "scan the inner archive on its own");
                continue;
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(entry)) {
                bytes = in.readNBytes((int) NESTED_LIMIT + 1);
            }
            if (bytes.length > NESTED_LIMIT) {
                context.gap(inner, 0, "is larger than " + NESTED_LIMIT + " bytes and was not read",
                        "scan the inner archive on its own");
                continue;
            }
            Optional<String> innerRef = inMemory(bytes, inner, depth + 1, found, context);
            if (selfRef != null && innerRef.isPresent()) {
                found.edge(selfRef, innerRef.get());
            }
        }
        return Optional.ofNullable(selfRef);
    }

    private static boolean isArchiveName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".jar") || lower.endsWith(".war");
    }

    /** Which declared artifact is the archive itself: the only one, or the one its file or manifest names. */
    private static FoundPackage itself(List<FoundPackage> declared, Manifest manifest, String fileName) {
        if (declared.size() == 1) {
            return declared.get(0);
        }
        String title = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Title");
        for (FoundPackage p : declared) {
            String artifact = p.purl().getName();
            if (fileName.startsWith(artifact + "-" + p.purl().getVersion()) || artifact.equals(title)) {
                return p;
            }
        }
        return null;
    }

    private static FoundPackage pomProperties(ZipFile zip, ZipArchiveEntry entry, String groupDir, String artifactDir,
            String path, ScanContext context) throws IOException {
        String where = path + "!/" + entry.getName();
        Properties properties = new Properties();
        try (InputStream in = zip.getInputStream(entry)) {
            properties.load(new ByteArrayInputStream(bounded(in, where)));
        } catch (IllegalArgumentException e) {
            context.gap(where, 0, "is not a readable properties file (" + e.getMessage() + ")", "rebuild the archive");
            return null;
        }
        String group = properties.getProperty("groupId", groupDir).trim();
        String artifact = properties.getProperty("artifactId", artifactDir).trim();
        String version = properties.getProperty("version", "").trim();
        if (version.isEmpty() || group.isEmpty() || artifact.isEmpty()) {
            context.gap(where, 0, "names no version for " + group + ":" + artifact, "rebuild the archive with Maven");
            return null;
        }
        return FoundPackage.library(maven(group, artifact, version, where), where);
    }

    private static FoundPackage fromManifest(Manifest manifest, String fileName, String path, ScanContext context) {
        Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
        String name = first(main.getValue("Implementation-Title"), symbolicName(main.getValue("Bundle-SymbolicName")));
        String version = first(main.getValue("Implementation-Version"), main.getValue("Bundle-Version"));
        Matcher fromFile = FILE_VERSION.matcher(fileName);
        if (name == null && fromFile.matches()) {
            name = fromFile.group(1);
        }
        if (version == null && fromFile.matches()) {
            version = fromFile.group(2);
        }
        if (name == null || version == null) {
            context.gap(path, 0, "the archive has no pom.properties and its manifest names no title and version",
                    "rebuild it with Maven (or set Implementation-Title and Implementation-Version in its manifest)");
            return null;
        }
        try {
            return FoundPackage.library(new PackageURL("generic", null, name, version, null, null), path);
        } catch (MalformedPackageURLException e) {
            throw new SbomInputException(path, 0, "the manifest's name " + name + " makes no package URL",
                    "set Implementation-Title in the archive's manifest");
        }
    }

    private static String symbolicName(String value) {
        return value == null ? null : value.split(";")[0].trim();
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a.trim() : b != null && !b.isBlank() ? b.trim() : null;
    }

    private static Manifest manifest(ZipFile zip, ZipArchiveEntry entry, String path, ScanContext context)
            throws IOException {
        String where = path + "!/" + entry.getName();
        try (InputStream in = zip.getInputStream(entry)) {
            return new Manifest(new ByteArrayInputStream(bounded(in, where)));
        } catch (IOException | RuntimeException e) {
            if (e instanceof SbomInputException sbom) {
                throw sbom;
            }
            context.gap(where, 0, "is not a readable manifest (" + e.getMessage() + ")", "rebuild the archive");
            return null;
        }
    }

    /** OSGi's {@code Bundle-License}: licences separated by commas, each with optional ";link=..." attributes. */
    private static List<String> licenses(Manifest manifest) {
        String value = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-License");
        if (value == null || value.isBlank() || value.trim().equals("<<EXTERNAL>>")) {
            return List.of();
        }
        List<String> licenses = new ArrayList<>();
        for (String license : value.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            String name = license.split(";")[0].trim().replace("\"", "");
            if (!name.isEmpty()) {
                licenses.add(name);
            }
        }
        return licenses;
    }

    private static byte[] bounded(InputStream in, String where) throws IOException {
        byte[] bytes = in.readNBytes((int) SMALL_FILE_LIMIT + 1);
        if (bytes.length > SMALL_FILE_LIMIT) {
            throw new SbomInputException(where, 0, "is larger than " + SMALL_FILE_LIMIT + " bytes",
                    "the archive is malformed or hostile; rebuild it");
        }
        return bytes;
    }

    private static PackageURL maven(String group, String artifact, String version, String where) {
        try {
            return new PackageURL("maven", group, artifact, version, new TreeMap<>(Map.of("type", "jar")), null);
        } catch (MalformedPackageURLException e) {
            throw new SbomInputException(where, 0, group + ":" + artifact + ":" + version + " makes no package URL ("
                    + e.getMessage() + ")", "rebuild the archive with valid Maven coordinates");
        }
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest digest = digest();
        try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
            digesting.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
