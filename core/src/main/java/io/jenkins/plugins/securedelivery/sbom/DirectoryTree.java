package io.jenkins.plugins.securedelivery.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A source tree on disk. Symbolic links are not followed, so a scan never leaves the tree. Version-control
 * directories and installed {@code node_modules} are skipped (their lock files describe them), except npm's hidden
 * lock file {@code node_modules/.package-lock.json}, which describes what is installed when no lock file is committed.
 */
public final class DirectoryTree implements FileTree {

    private static final Set<String> SKIPPED = Set.of(".git", ".hg", ".svn", "node_modules");

    private final Path root;
    private final List<String> files;

    public DirectoryTree(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.root)) {
            throw new SbomInputException(root.toString(), 0, "not a directory", "give the path of a source tree");
        }
        this.files = Collections.unmodifiableList(walk(this.root));
    }

    private static List<String> walk(Path root) throws IOException {
        List<String> found = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root) && SKIPPED.contains(dir.getFileName().toString())) {
                    Path hiddenLock = dir.resolve(".package-lock.json");
                    if (dir.getFileName().toString().equals("node_modules") && Files.isRegularFile(hiddenLock, LinkOption.NOFOLLOW_LINKS)) {
                        found.add(relative(root, hiddenLock));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    found.add(relative(root, file));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                throw new UncheckedIOException(new IOException(file + ": cannot be read (" + e.getMessage()
                        + "); give read permission or remove it from the tree", e));
            }
        });
        Collections.sort(found);
        return found;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return "directory " + root;
    }

    @Override
    public List<String> files() {
        return files;
    }

    @Override
    public InputStream open(String path) throws IOException {
        return Files.newInputStream(resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public Optional<Path> onDisk(String path) {
        return Optional.of(resolve(path));
    }

    private Path resolve(String path) {
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException(path + " is outside " + root);
        }
        return file;
    }
}
