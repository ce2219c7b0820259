package io.jenkins.plugins.securedelivery.sbom.image;

import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The merged file system of an image's layers, applied lowest first with the OCI whiteout rules, held in memory
 * (names, links and the content of the files scanners want; never anything on disk).
 */
final class LayeredFileSystem implements FileTree {

    /** Linux follows at most 40 symbolic links in one lookup; so do we. */
    private static final int MAX_LINK_HOPS = 40;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private enum Kind { FILE, DIRECTORY, SYMLINK }

    /** A path of the merged file system. {@code layer}/{@code source} say where a file's content is, to fetch it late. */
    private static final class Node {
        final Kind kind;
        final String target;
        final long size;
        final int layer;
        final String source;
        byte[] content;
        /** Why a wanted file's content was not held, or null. */
        String notHeld;

        Node(Kind kind, String target, long size, int layer, String source) {
            this.kind = kind;
            this.target = target;
            this.size = size;
            this.layer = layer;
            this.source = source;
        }

        Node copy() {
            Node copy = new Node(kind, target, size, layer, source);
            copy.content = content;
            copy.notHeld = notHeld;
            return copy;
        }
    }

    private enum Change { ADD, HARD_LINK, WHITEOUT, OPAQUE }

    private record Entry(Change change, String path, Node node, String linkTo) {}

    /** What reading costs so far, over all layers. */
    private static final class Budget {
        final ContainerImage.Limits limits;
        long entries;
        long bytes;
        long held;

        Budget(ContainerImage.Limits limits) {
            this.limits = limits;
        }
    }

    private final String description;
    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private List<String> files;

    private LayeredFileSystem(String description) {
        this.description = description;
    }

    static LayeredFileSystem read(ImageArchive archive, ImageManifests.Selected image, ContainerImage.Limits limits,
            Predicate<String> held) throws IOException {
        LayeredFileSystem fs = new LayeredFileSystem("image " + image.digest()
                + (image.name() == null ? "" : " (" + image.name() + ")"));
        Budget budget = new Budget(limits);
        List<List<Entry>> layers = readLayers(archive, image.layers(), budget, held, null);
        for (int i = 0; i < layers.size(); i++) {
            fs.apply(layers.get(i));
        }
        fs.files = fs.list(held);
        fs.fetchLate(archive, image.layers(), budget, held);
        return fs;
    }

    /** Reads each layer into its list of changes; {@code only}, when given, limits which files are held per layer. */
    private static List<List<Entry>> readLayers(ImageArchive archive, List<ImageManifests.LayerRef> refs, Budget budget,
            Predicate<String> held, Map<Integer, Set<String>> only) throws IOException {
        Map<String, List<ImageManifests.LayerRef>> byName = new LinkedHashMap<>();
        for (ImageManifests.LayerRef ref : refs) {
            if (only == null || only.containsKey(ref.index())) {
                if (!archive.has(ref.name())) {
                    throw new SbomInputException(archive.describe() + "!/" + ref.name(), 0,
                            ref.describe() + " is missing from the image",
                            "copy the image again so that every layer is present");
                }
                byName.computeIfAbsent(archive.canonical(ref.name()), n -> new ArrayList<>()).add(ref);
            }
        }
        List<List<Entry>> layers = new ArrayList<>(Collections.nCopies(refs.size(), List.of()));
        Set<String> visited = new HashSet<>();
        archive.each(byName.keySet(), (name, content) -> {
            visited.add(name);
            List<ImageManifests.LayerRef> sharing = byName.get(name);
            ImageManifests.LayerRef first = sharing.get(0);
            Predicate<String> holding = only == null ? held : only.get(first.index())::contains;
            // Identical layers share one blob: read it once, against each reference's digests.
            List<Entry> entries = readLayer(content, first, archive.describe(), budget, holding);
            for (ImageManifests.LayerRef ref : sharing) {
                if (ref != first && (!equal(ref.digest(), first.digest()) || !equal(ref.diffId(), first.diffId()))) {
                    throw new SbomInputException(archive.describe() + "!/" + name, 0, ref.describe()
                            + " and " + first.describe() + " share one file but not their digests",
                            "the image is malformed; rebuild it");
                }
                layers.set(ref.index(), entries);
            }
        });
        for (String name : byName.keySet()) {
            if (!visited.contains(name)) {
                ImageManifests.LayerRef ref = byName.get(name).get(0);
                throw new SbomInputException(archive.describe(), 0, ref.describe() + " was not found",
                        "copy the image again so that every layer is present");
            }
        }
        return layers;
    }

    private static boolean equal(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    private static List<Entry> readLayer(InputStream raw, ImageManifests.LayerRef ref, String archive, Budget budget,
            Predicate<String> held) throws IOException {
        String layer = archive + "!/" + ref.name();
        String what = ref.describe();
        MessageDigest blobDigest = ImageManifests.digester(ref.digest());
        MessageDigest tarDigest = ImageManifests.digester(ref.diffId());
        DigestInputStream stored = new DigestInputStream(raw, blobDigest);
        List<Entry> entries = new ArrayList<>();
        try {
            InputStream tarBytes = new Counted(new DigestInputStream(
                    Compression.decompressing(new BufferedInputStream(stored, 1 << 16), what), tarDigest), budget, what);
            TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes);
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++budget.entries > budget.limits.maxEntries()) {
                    throw new SbomInputException(layer, 0, what + " takes the image past " + budget.limits.maxEntries()
                            + " entries", "raise the entry limit if the image is genuine; it may be a decompression bomb");
                }
                Entry change = change(entry, tar, what, layer, ref.index(), budget, held);
                if (change != null) {
                    entries.add(change);
                }
            }
            tarBytes.transferTo(java.io.OutputStream.nullOutputStream());
            stored.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (SbomInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SbomInputException(layer, 0, what + " is not a readable tar (" + e.getMessage() + ")",
                    "the layer is truncated or corrupt; copy the image again", e);
        }
        check(ref.digest(), blobDigest, layer);
        check(ref.diffId(), tarDigest, layer + " (uncompressed)");
        return entries;
    }

    private static void check(String expected, MessageDigest digest, String what) {
        if (expected != null) {
            String algorithm = expected.startsWith("sha512:") ? "sha512:" : "sha256:";
            String actual = algorithm + HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected)) {
                throw ImageManifests.mismatch(what, expected, actual);
            }
        }
    }

    private static Entry change(TarArchiveEntry entry, TarArchiveInputStream tar, String what, String layer, int index,
            Budget budget, Predicate<String> held) throws IOException {
        String path = layerPath(entry.getName(), what, layer);
        if (path.isEmpty()) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash);
        String base = path.substring(slash + 1);
        if (base.equals(OPAQUE)) {
            return new Entry(Change.OPAQUE, parent, null, null);
        }
        if (base.startsWith(WHITEOUT + WHITEOUT)) {
            return null; // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not part of the file system
        }
        if (base.startsWith(WHITEOUT)) {
            String removed = base.substring(WHITEOUT.length());
            return new Entry(Change.WHITEOUT, parent.isEmpty() ? removed : parent + "/" + removed, null, null);
        }
        if (entry.isDirectory()) {
            return new Entry(Change.ADD, path, new Node(Kind.DIRECTORY, null, 0, index, path), null);
        }
        if (entry.isSymbolicLink()) {
            return new Entry(Change.ADD, path, new Node(Kind.SYMLINK, entry.getLinkName(), 0, index, path), null);
        }
        if (entry.isLink()) {
            return new Entry(Change.HARD_LINK, path, null, layerPath(entry.getLinkName(), what, layer));
        }
        if (!entry.isFile()) {
            return null; // devices and fifos hold no package metadata
        }
        Node node = new Node(Kind.FILE, null, entry.getSize(), index, path);
        if (held.test(path)) {
            hold(node, tar, budget, layer);
        }
        return new Entry(Change.ADD, path, node, null);
    }

    private static void hold(Node node, InputStream content, Budget budget, String layer) throws IOException {
        if (node.size > budget.limits.maxFileBytes()) {
            node.notHeld = "the file is " + node.size + " bytes, more than the " + budget.limits.maxFileBytes()
                    + " bytes a single file may hold in memory for scanning";
            return;
        }
        if (budget.held + node.size > budget.limits.maxHeldBytes()) {
            node.notHeld = "the files to scan took more than the " + budget.limits.maxHeldBytes()
                    + " bytes of memory allowed before this one was reached";
            return;
        }
        node.content = content.readNBytes((int) node.size);
        budget.held += node.content.length;
    }

    /** A tar entry's name as a path of the image, refusing names that climb out of the root. */
    private static String layerPath(String name, String what, String layer) {
        if (name.startsWith("/")) {
            throw new SbomInputException(layer, 0, what + " holds the absolute entry name " + name,
                    "layers name their files relative to the root; the layer is malformed or hostile");
        }
        String path = ImageArchive.archiveName(name);
        if (path.equals(".") || path.isEmpty()) {
            return "";
        }
        StringBuilder clean = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new SbomInputException(layer, 0, what + " holds the entry " + name + ", which climbs out of the "
                        + "root", "the layer is malformed or hostile; do not use this image");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                clean.append(clean.length() == 0 ? "" : "/").append(part);
            }
        }
        return clean.toString();
    }

    private void apply(List<Entry> layer) {
        // A layer's whiteouts hide what lower layers hold, never what the layer itself adds.
        for (Entry entry : layer) {
            if (entry.change() == Change.OPAQUE) {
                removeUnder(entry.path());
            } else if (entry.change() == Change.WHITEOUT) {
                nodes.remove(entry.path());
                removeUnder(entry.path());
            }
        }
        for (Entry entry : layer) {
            if (entry.change() == Change.ADD) {
                put(entry.path(), entry.node());
            } else if (entry.change() == Change.HARD_LINK) {
                Node target = nodes.get(entry.linkTo());
                if (target != null && target.kind == Kind.FILE) {
                    put(entry.path(), target.copy());
                }
            }
        }
    }

    private void put(String path, Node node) {
        Node old = nodes.get(path);
        if (old != null && old.kind == Kind.DIRECTORY && node.kind == Kind.DIRECTORY) {
            return;
        }
        if (old != null && old.kind == Kind.DIRECTORY || node.kind != Kind.DIRECTORY) {
            removeUnder(path);
        }
        nodes.put(path, node);
    }

    private void removeUnder(String directory) {
        if (directory.isEmpty()) {
            nodes.clear();
        } else {
            nodes.subMap(directory + "/", directory + "0").clear(); // '0' sorts right after '/'
        }
    }

    /**
     * The path {@code path} leads to after following symbolic links, or null when it leads nowhere, loops, or leaves
     * the root: absolute link targets are read from the image's root, and ".." never climbs above it.
     */
    String resolve(String path) {
        Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (done.isEmpty()) {
                    return null;
                }
                done.remove(done.size() - 1);
                continue;
            }
            done.add(part);
            Node node = nodes.get(String.join("/", done));
            if (node != null && node.kind == Kind.SYMLINK) {
                if (++hops > MAX_LINK_HOPS) {
                    return null;
                }
                done.remove(done.size() - 1);
                if (node.target.startsWith("/")) {
                    done.clear();
                }
                List<String> target = List.of(node.target.split("/"));
                for (int i = target.size() - 1; i >= 0; i--) {
                    todo.addFirst(target.get(i));
                }
            }
        }
        return String.join("/", done);
    }

    /**
     * Regular files by their own path; a path through a symbolic link is listed only when a scanner wants the file
     * under that name and not under its own (a dpkg database in a linked directory), so nothing is scanned twice.
     */
    private List<String> list(Predicate<String> wanted) {
        TreeSet<String> listed = new TreeSet<>();
        List<Map.Entry<String, Node>> links = new ArrayList<>();
        nodes.forEach((path, node) -> {
            if (node.kind == Kind.FILE) {
                listed.add(path);
            } else if (node.kind == Kind.SYMLINK) {
                links.add(Map.entry(path, node));
            }
        });
        for (Map.Entry<String, Node> link : links) {
            String real = resolve(link.getKey());
            if (real == null || real.isEmpty()) {
                continue;
            }
            Node target = nodes.get(real);
            if (target != null && target.kind == Kind.FILE) {
                alias(listed, link.getKey(), real, wanted);
            } else if (target == null || target.kind == Kind.DIRECTORY) {
                for (Map.Entry<String, Node> under : nodes.subMap(real + "/", real + "0").entrySet()) {
                    if (under.getValue().kind == Kind.FILE) {
                        String alias = link.getKey() + under.getKey().substring(real.length());
                        alias(listed, alias, under.getKey(), wanted);
                    }
                }
            }
        }
        return List.copyOf(listed);
    }

    private void alias(Set<String> listed, String alias, String real, Predicate<String> wanted) {
        if (wanted.test(alias) && !wanted.test(real) && real.equals(resolve(alias))) {
            listed.add(alias);
        }
    }

    /**
     * Reads again the layers holding wanted files whose content was not held when their layer was read: files listed
     * under a linked name, and hard links to files that were not wanted under their own name.
     */
    private void fetchLate(ImageArchive archive, List<ImageManifests.LayerRef> refs, Budget budget,
            Predicate<String> held) throws IOException {
        Map<Integer, Set<String>> missing = new HashMap<>();
        for (String path : files) {
            String real = resolve(path);
            Node node = nodes.get(real);
            if (node.content == null && node.notHeld == null && held.test(path)) {
                missing.computeIfAbsent(node.layer, l -> new HashSet<>()).add(node.source);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Budget again = new Budget(budget.limits);
        again.held = budget.held;
        List<List<Entry>> layers = readLayers(archive, refs, again, path -> false, missing);
        missing.forEach((layer, sources) -> {
            for (Entry entry : layers.get(layer)) {
                if (entry.node() != null && sources.contains(entry.path())) {
                    for (Node node : nodes.values()) {
                        if (node.layer == layer && entry.path().equals(node.source) && node.kind == Kind.FILE) {
                            node.content = entry.node().content;
                            node.notHeld = entry.node().notHeld;
                        }
                    }
                }
            }
        });
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public List<String> files() {
        return files;
    }

    @Override
    public InputStream open(String path) throws IOException {
        String real = resolve(path);
        Node node = real == null ? null : nodes.get(real);
        if (node == null || node.kind != Kind.FILE) {
            throw new SbomInputException(path, 0, "no such file in " + description, "check the path");
        }
        if (node.notHeld != null) {
            throw new SbomInputException(path, 0, node.notHeld, "raise the image limits to scan it");
        }
        if (node.content == null) {
            throw new SbomInputException(path, 0, "the file was not held in memory, as no scanner reads it",
                    "a scanner must say it reads or consults this path");
        }
        return new ByteArrayInputStream(node.content);
    }

    @Override
    public Optional<Path> onDisk(String path) {
        return Optional.empty();
    }

    /** Counts uncompressed bytes over the whole image, stopping decompression bombs. */
    private static final class Counted extends FilterInputStream {
        private final Budget budget;
        private final String what;

        Counted(InputStream in, Budget budget, String what) {
            super(in);
            this.budget = budget;
            this.what = what;
        }

        private void count(long n) {
            if (n > 0 && (budget.bytes += n) > budget.limits.maxTotalBytes()) {
                throw new SbomInputException(what, 0, "takes the image past " + budget.limits.maxTotalBytes()
                        + " uncompressed bytes", "raise the size limit if the image is genuine; it may be a "
                        + "decompression bomb");
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipping must be counted too: read through, so a bomb cannot hide in skipped entries.
            byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }
    }
}
