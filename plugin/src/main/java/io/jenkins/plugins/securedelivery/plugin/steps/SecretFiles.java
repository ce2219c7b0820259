package io.jenkins.plugins.securedelivery.plugin.steps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files that hold secrets for the length of one step on the agent (an SSH key, known_hosts, a CA bundle): in a
 * directory only the agent's user can read, outside the workspace, deleted when the step ends.
 */
final class SecretFiles implements AutoCloseable {

    private final Path directory;

    SecretFiles() throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        directory = posix
                ? Files.createTempDirectory("secure-delivery", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                : Files.createTempDirectory("secure-delivery");
    }

    Path write(String name, String content) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, content.endsWith("\n") ? content : content + "\n", StandardCharsets.UTF_8);
        return file;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
