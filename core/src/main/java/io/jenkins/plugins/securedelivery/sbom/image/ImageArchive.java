package io.jenkins.plugins.securedelivery.sbom.image;

import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The files an image is stored in: an OCI layout directory, or a tar (OCI archive or {@code docker save}). Names are
 * '/'-separated paths inside it ({@code index.json}, {@code blobs/sha256/ab..}, {@code 3f2a../layer.tar}).
 */
abstract class ImageArchive implements Closeable {

    /** Small JSON documents (index, manifests, configs) are never larger than this. */
    static final long DOCUMENT_LIMIT = 4L << 20;

    interface BlobVisitor {
        void visit(String name, InputStream content) throws IOException;
    }

    static ImageArchive open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return new LayoutDirectory(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new SbomInputException(path.toString(), 0, "no such image file or directory",
                    "give an OCI layout directory, an OCI archive or a docker save tar");
        }
        return new Tarball(path);
    }

    /** What this archive is, for messages. */
    abstract String describe();

    abstract boolean has(String name);

    /** The name of the entry that holds {@code name}'s content (old docker save tars link identical layers). */
    String canonical(String name) {
        return name;
    }

    /** Reads a small document whole. */
    abstract byte[] read(String name) throws IOException;

    /**
     * Streams each of {@code names} to {@code visitor} once, in the order that costs least (the order of a tar).
     * Each content is visited once, under its {@link #canonical} name; names not in the archive are not visited.
     */
    abstract void each(Collection<String> names, BlobVisitor visitor) throws IOException;

    @Override
    public void close() throws IOException {}

    /** A name inside an archive, refusing names that could escape it. */
    static String archiveName(String raw) {
        String name = raw;
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    static boolean safeName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\")) {
            return false;
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static final class LayoutDirectory extends ImageArchive {
        private final Path root;

        LayoutDirectory(Path root) {
            this.root = root.toAbsolutePath().normalize();
        }

        @Override
        String describe() {
            return root.toString();
        }

        private Path file(String name) {
            if (!safeName(name)) {
                throw new SbomInputException(root.toString(), 0, "the image refers to the unsafe path " + name,
                        "the image is malformed or hostile; rebuild it");
            }
            return root.resolve(name);
        }

        @Override
        boolean has(String name) {
            return Files.isRegularFile(file(name), LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        byte[] read(String name) throws IOException {
            if (!has(name)) {
                throw new SbomInputException(root + "/" + name, 0, "is missing from the image layout",
                        "copy the image again (skopeo copy ... oci:DIR) so that every blob is present");
            }
            try (InputStream in = Files.newInputStream(file(name), LinkOption.NOFOLLOW_LINKS)) {
                return readDocument(in, root + "/" + name);
            }
        }

        @Override
        void each(Collection<String> names, BlobVisitor visitor) throws IOException {
            for (String name : new java.util.LinkedHashSet<>(names)) {
                if (has(name)) {
                    try (InputStream in = new BufferedInputStream(
                            Files.newInputStream(file(name), LinkOption.NOFOLLOW_LINKS), 1 << 16)) {
                        visitor.visit(name, in);
                    }
                }
            }
        }
    }

    /**
     * A tar read as a stream, possibly gzip-compressed, so it is never unpacked: one pass lists it and keeps its small
     * documents, and each later request streams it again.
     */
    private static final class Tarball extends ImageArchive {
        private static final long KEPT_LIMIT = 64L << 20;

        private final Path file;
        private final Set<String> names = new HashSet<>();
        /** Symbolic links between entries: old {@code docker save} links identical layers to one another. */
        private final Map<String, String> links = new HashMap<>();
        private final Map<String, byte[]> documents = new HashMap<>();

        Tarball(Path file) throws IOException {
            this.file = file.toAbsolutePath();
            long kept = 0;
            try (Stream tar = stream()) {
                TarArchiveEntry entry;
                while ((entry = tar.next()) != null) {
                    String name = archiveName(entry.getName());
                    if (entry.isSymbolicLink()) {
                        String target = resolveLink(name, entry.getLinkName());
                        if (target != null) {
                            links.put(name, target);
                        }
                    } else if (entry.isFile() && safeName(name)) {
                        names.add(name);
                        if (entry.getSize() <= DOCUMENT_LIMIT && kept + entry.getSize() <= KEPT_LIMIT) {
                            documents.put(name, tar.in.readNBytes((int) entry.getSize()));
                            kept += entry.getSize();
                        }
                    }
                }
            } catch (IOException e) {
                throw new SbomInputException(file.toString(), 0, "is not a readable image tar (" + e.getMessage() + ")",
                        "check that the file is complete; write it again with docker save or skopeo copy", e);
            }
        }

        private static String resolveLink(String name, String target) {
            List<String> parts = new ArrayList<>(List.of(name.split("/")));
            parts.remove(parts.size() - 1);
            for (String part : target.split("/")) {
                if (part.equals("..")) {
                    if (parts.isEmpty()) {
                        return null;
                    }
                    parts.remove(parts.size() - 1);
                } else if (!part.isEmpty() && !part.equals(".")) {
                    parts.add(part);
                }
            }
            return target.startsWith("/") ? null : String.join("/", parts);
        }

        @Override
        String canonical(String name) {
            return real(name);
        }

        private String real(String name) {
            String target = links.get(name);
            return target == null ? name : target;
        }

        private final class Stream implements Closeable {
            final TarArchiveInputStream in;

            Stream() throws IOException {
                InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                in = new TarArchiveInputStream(Compression.decompressing(raw, file.toString()));
            }

            TarArchiveEntry next() throws IOException {
                return in.getNextEntry();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        }

        private Stream stream() throws IOException {
            return new Stream();
        }

        @Override
        String describe() {
            return file.toString();
        }

        @Override
        boolean has(String name) {
            return names.contains(real(name));
        }

        @Override
        byte[] read(String name) throws IOException {
            byte[] kept = documents.get(real(name));
            if (kept != null) {
                return kept;
            }
            byte[][] found = new byte[1][];
            each(List.of(name), (n, in) -> found[0] = readDocument(in, file + "!/" + n));
            if (found[0] == null) {
                throw new SbomInputException(file + "!/" + name, 0, "is missing from the image tar",
                        "write the image again with docker save or skopeo copy");
            }
            return found[0];
        }

        @Override
        void each(Collection<String> wanted, BlobVisitor visitor) throws IOException {
            Set<String> byReal = new java.util.LinkedHashSet<>();
            for (String name : wanted) {
                byReal.add(real(name));
            }
            for (java.util.Iterator<String> it = byReal.iterator(); it.hasNext(); ) {
                String name = it.next();
                byte[] kept = documents.get(name);
                if (kept != null) {
                    visitor.visit(name, new ByteArrayInputStream(kept));
                    it.remove();
                }
            }
            if (byReal.isEmpty()) {
                return;
            }
            try (Stream tar = stream()) {
                TarArchiveEntry entry;
                while (!byReal.isEmpty() && (entry = tar.next()) != null) {
                    String name = archiveName(entry.getName());
                    if (entry.isFile() && byReal.remove(name)) {
                        visitor.visit(name, tar.in);
                    }
                }
            }
        }
    }

    static byte[] readDocument(InputStream in, String what) throws IOException {
        byte[] bytes = in.readNBytes((int) DOCUMENT_LIMIT + 1);
        if (bytes.length > DOCUMENT_LIMIT) {
            throw new SbomInputException(what, 0, "is larger than " + DOCUMENT_LIMIT + " bytes, too large for an image "
                    + "index, manifest or configuration", "check that the image is not corrupt");
        }
        return bytes;
    }
}
