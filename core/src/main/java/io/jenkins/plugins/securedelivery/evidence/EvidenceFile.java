package io.jenkins.plugins.securedelivery.evidence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One file to put into an evidence bundle: stored as {@code files/<name>}. The name is a relative path with forward
 * slashes, normalised ({@code ./a//b} is {@code a/b}); a name that could escape the bundle when unpacked (absolute,
 * {@code ..}, a drive letter, a backslash) is refused.
 *
 * @param name   the name in the bundle and its manifest
 * @param source where the content is read from
 */
public record EvidenceFile(String name, Path source) {

    private static final int MAX_NAME = 1024;

    public EvidenceFile {
        name = normalise(name);
        if (source == null) {
            throw new EvidenceInputException(name, "no source file was given", "give the file to include");
        }
    }

    /**
     * The file {@code file} (relative to the working directory, or absolute), named by its path relative to
     * {@code base} (the working directory, for a command line), so {@code reports/junit.xml} keeps its folder.
     */
    public static EvidenceFile of(Path base, Path file) {
        Path absoluteBase = base.toAbsolutePath().normalize();
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(absoluteBase)) {
            throw new EvidenceInputException(file.toString(), "the file is outside " + absoluteBase + ", so it has no name in the bundle",
                    "give a path inside the working directory, or set the base directory (--base DIR) to a folder that holds it");
        }
        Path relative = absoluteBase.relativize(absolute);
        if (relative.toString().isEmpty()) {
            throw new EvidenceInputException(file.toString(), "this is the base directory itself, not a file", "give the files in it");
        }
        return new EvidenceFile(relative.toString().replace(relative.getFileSystem().getSeparator(), "/"), file);
    }

    /** The normal form of a name in a bundle, or an {@link EvidenceInputException} saying why it cannot be one. */
    static String normalise(String name) {
        if (name == null || name.isEmpty()) {
            throw new EvidenceInputException("(empty name)", "a file in an evidence bundle needs a name", "give the file's relative path");
        }
        if (name.length() > MAX_NAME) {
            throw new EvidenceInputException(name.substring(0, 40) + "...", "the name is longer than " + MAX_NAME + " characters",
                    "give a shorter path");
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw new EvidenceInputException(name, "the name is an absolute path, which would escape the bundle when unpacked",
                    "name files by relative paths");
        }
        if (name.indexOf('\\') >= 0) {
            throw new EvidenceInputException(name, "the name contains a backslash", "use forward slashes between folders");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new EvidenceInputException(name.replaceAll("\\p{Cntrl}", "?"), "the name contains control characters", "rename the file");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw new EvidenceInputException(name, "the name contains '..', which would escape the bundle when unpacked",
                        "name files by paths inside the working directory");
            }
            segments.add(segment);
        }
        if (segments.isEmpty()) {
            throw new EvidenceInputException(name, "the name has no file name in it", "give the file's relative path");
        }
        return String.join("/", segments);
    }
}
