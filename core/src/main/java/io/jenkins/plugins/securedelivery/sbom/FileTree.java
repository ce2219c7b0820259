package io.jenkins.plugins.securedelivery.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files a scan looks at: a source directory on disk, or the merged file system of a container image's layers.
 * Paths are relative, separated by '/', and never contain "." or ".." segments.
 */
public interface FileTree {

    /** What this tree is, for messages: "directory /src/app", "image sha256:ab12...". */
    String describe();

    /** The regular files of the tree, sorted. */
    List<String> files();

    /** Opens a file of the tree. Reads are bounded by the tree's own limits. */
    InputStream open(String path) throws IOException;

    /** The file on disk, for the scanners that need a real file (a pom.xml and its parents); empty in images. */
    Optional<Path> onDisk(String path);

    /** Reads a whole file, refusing files larger than {@code limit} bytes. */
    default byte[] read(String path, long limit) throws IOException {
        try (InputStream in = open(path)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw new SbomInputException(path, 0, "the file is larger than " + limit + " bytes",
                        "check that it is the file you meant; manifests and lock files are never this large");
            }
            return bytes;
        }
    }
}
