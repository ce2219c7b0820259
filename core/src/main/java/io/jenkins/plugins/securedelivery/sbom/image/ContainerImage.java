package io.jenkins.plugins.securedelivery.sbom.image;

import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A container image read from disk: an OCI image layout directory, an OCI archive (a tarred layout), or a
 * {@code docker save} tar, each possibly gzip-compressed. Its layers are merged, lowest first, into one read-only
 * {@link FileTree}; nothing is written to disk. Only the files the scanners want are held in memory, within
 * {@link Limits}; every other file is listed only.
 */
public final class ContainerImage implements AutoCloseable {

    /** Which object {@link #digest()} is the digest of. */
    public enum DigestOf {
        /** The image manifest: the digest a registry and a signature refer to. */
        MANIFEST,
        /** The image configuration: a legacy {@code docker save} tar holds no manifest, so this is the image ID. */
        CONFIG
    }

    /**
     * Bounds on what reading an image may cost, so that a hostile or broken image (a decompression bomb, millions of
     * entries) stops with an error naming the layer instead of exhausting memory or time.
     *
     * @param maxEntries    the most tar entries in all layers together
     * @param maxTotalBytes the most uncompressed bytes in all layers together
     * @param maxFileBytes  the largest single file held in memory for a scanner; a larger wanted file cannot be opened
     * @param maxHeldBytes  the most bytes held in memory for scanners, all files together; wanted files past it
     *                      cannot be opened (opening one says why)
     */
    public record Limits(long maxEntries, long maxTotalBytes, long maxFileBytes, long maxHeldBytes) {

        public Limits {
            if (maxEntries <= 0 || maxTotalBytes <= 0 || maxFileBytes <= 0 || maxHeldBytes <= 0) {
                throw new IllegalArgumentException("image limits must be positive");
            }
        }

        /** One million entries, 16 GiB uncompressed, 256 MiB per held file, 1 GiB held in all. */
        public static Limits defaults() {
            return new Limits(1_000_000, 16L << 30, 256L << 20, 1L << 30);
        }
    }

    /** The platform picked from a multi-platform image unless the caller names another. */
    public static final String DEFAULT_PLATFORM = "linux/amd64";

    private final ImageArchive archive;
    private final ImageManifests.Selected selected;
    private final LayeredFileSystem files;

    private ContainerImage(ImageArchive archive, ImageManifests.Selected selected, LayeredFileSystem files) {
        this.archive = archive;
        this.selected = selected;
        this.files = files;
    }

    /** Whether {@code path} is a container image this class reads (a layout directory or an image tar). */
    public static boolean isImage(Path path) {
        if (Files.isDirectory(path)) {
            return Files.isRegularFile(path.resolve("oci-layout")) && Files.isRegularFile(path.resolve("index.json"));
        }
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path));
                TarArchiveInputStream tar = new TarArchiveInputStream(Compression.decompressing(raw, path.toString()))) {
            boolean layout = false;
            boolean index = false;
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = ImageArchive.archiveName(entry.getName());
                if (name.equals("manifest.json")) {
                    return true;
                }
                layout |= name.equals("oci-layout");
                index |= name.equals("index.json");
                if (layout && index) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException notAnImageTar) {
            return false;
        }
    }

    /**
     * Opens an image holding every file, within the limits: for small images and tests. To scan, hold only what the
     * scanners read: {@code open(path, limits, platform, ContainerImage.heldFor(scanners))}.
     */
    public static ContainerImage open(Path path, Limits limits) throws IOException {
        return open(path, limits, null, file -> true);
    }

    /**
     * Opens an image.
     *
     * @param platform which image of a multi-platform index, as {@code os/arch} or {@code os/arch/variant}; null
     *                 for the only one, or {@value #DEFAULT_PLATFORM} when there are several
     * @param held     which files (by path in the merged file system) to hold in memory so they can be opened
     * @throws SbomInputException when the image is malformed, tampered with (a digest differs), unsafe, or too big
     */
    public static ContainerImage open(Path path, Limits limits, String platform, Predicate<String> held)
            throws IOException {
        ImageArchive archive = ImageArchive.open(path);
        try {
            ImageManifests.Selected selected = ImageManifests.select(archive, platform);
            LayeredFileSystem files = LayeredFileSystem.read(archive, selected, limits, held);
            return new ContainerImage(archive, selected, files);
        } catch (IOException | RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    /**
     * The files scanners read: those any of {@code scanners} reads by its path alone, plus those a scanner consults
     * while scanning ({@link Scanner#consults}).
     */
    public static Predicate<String> heldFor(Collection<? extends Scanner> scanners) {
        List<Scanner> all = List.copyOf(scanners);
        FileTree pathsOnly = new PathsOnly();
        return path -> all.stream().anyMatch(scanner -> scanner.reads(pathsOnly, path)
                || scanner.consults(path));
    }

    /** The merged file system of all layers, lowest first, after whiteouts. */
    public FileTree files() {
        return files;
    }

    /** The {@code sha256:} digest of the image manifest, or of its configuration: see {@link #digestOf()}. */
    public String digest() {
        return selected.digest();
    }

    public DigestOf digestOf() {
        return selected.digestOf();
    }

    /** The image's name: the {@code org.opencontainers.image.ref.name} annotation or the first docker tag; may be null. */
    public String name() {
        return selected.name();
    }

    /** The platform of the image read, as {@code os/arch[/variant]}, when the image says. */
    public Optional<String> platform() {
        return Optional.ofNullable(selected.platform());
    }

    @Override
    public void close() throws IOException {
        archive.close();
    }

    /** A tree with no files, for asking scanners which paths they read before any image is merged. */
    private static final class PathsOnly implements FileTree {
        @Override
        public String describe() {
            return "image (being read)";
        }

        @Override
        public List<String> files() {
            return List.of();
        }

        @Override
        public InputStream open(String path) throws IOException {
            throw new IOException(path + ": the image is still being read");
        }

        @Override
        public Optional<Path> onDisk(String path) {
            return Optional.empty();
        }
    }
}
