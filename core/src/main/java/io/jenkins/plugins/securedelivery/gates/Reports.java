package io.jenkins.plugins.securedelivery.gates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The reports found in one or more directories. Every {@code .xml}, {@code .json} and {@code .sarif} file below them
 * is opened and recognised by its content (root element or JSON shape), so names do not matter; the result says which
 * files were read as what and why the others were ignored. A malformed report, an XML document declaring entities or
 * a file beyond the size limit is an error, never skipped: a broken scanner must not let a release through.
 */
public final class Reports {

    /** 64 MB: a generous bound for one report; beyond it the file is refused rather than read into memory. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    private static final int MAX_DEPTH = 12;

    /** A file the gate read, and as what ({@code JUnit XML}, {@code SARIF 2.1.0 (Semgrep OSS)}...). */
    public record ReadFile(String path, String readAs) {}

    /** A file the gate looked at and did not use, and why. */
    public record IgnoredFile(String path, String reason) {}

    private final List<String> directories;
    private final List<ReadFile> read;
    private final List<IgnoredFile> ignored;
    private final int skippedByName;
    final ReportContents contents;

    private Reports(List<String> directories, List<ReadFile> read, List<IgnoredFile> ignored, int skippedByName, ReportContents contents) {
        this.directories = List.copyOf(directories);
        this.read = List.copyOf(read);
        this.ignored = List.copyOf(ignored);
        this.skippedByName = skippedByName;
        this.contents = contents;
    }

    /** Scans the directories with the default size limit per file. */
    public static Reports scan(List<Path> directories) throws IOException {
        return scan(directories, DEFAULT_MAX_BYTES);
    }

    /** Scans the directories; a file beyond {@code maxBytes} is an error that names it. */
    public static Reports scan(List<Path> directories, long maxBytes) throws IOException {
        List<ReadFile> read = new ArrayList<>();
        List<IgnoredFile> ignored = new ArrayList<>();
        ReportContents contents = new ReportContents();
        Set<Path> seen = new HashSet<>();
        int skipped = 0;
        List<String> shownDirectories = new ArrayList<>();
        for (Path directory : directories) {
            shownDirectories.add(directory.toString());
            if (!Files.isDirectory(directory)) {
                if (!Files.exists(directory)) {
                    throw new NoSuchFileException(directory.toString());
                }
                throw new GateInputException(directory.toString(), "is not a directory", "give the directories the reports were written to");
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(directory, MAX_DEPTH)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            for (Path file : files) {
                if (!seen.add(file.toRealPath())) {
                    continue;
                }
                String shown = file.toString();
                String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                boolean xml = name.endsWith(".xml");
                boolean json = name.endsWith(".json") || name.endsWith(".sarif");
                if (!xml && !json) {
                    skipped++;
                    continue;
                }
                long size = Files.size(file);
                if (size > maxBytes) {
                    throw new GateInputException(shown, "is " + megabytes(size) + ", beyond the limit of " + megabytes(maxBytes) + " for one report",
                            "raise the limit (--max-report-size) if the report is genuine, or split the scan");
                }
                StringBuilder why = new StringBuilder();
                String kind = xml ? XmlReports.read(file, shown, contents, why) : JsonReports.read(file, shown, contents, why);
                if (kind != null) {
                    read.add(new ReadFile(shown, kind));
                } else {
                    ignored.add(new IgnoredFile(shown, why.toString()));
                }
            }
        }
        return new Reports(shownDirectories, read, ignored, skipped, contents);
    }

    public List<String> directories() {
        return directories;
    }

    public List<ReadFile> read() {
        return read;
    }

    public List<IgnoredFile> ignored() {
        return ignored;
    }

    /** Files not opened because their names do not end in .xml, .json or .sarif (HTML pages, logs...). */
    public int skippedByName() {
        return skippedByName;
    }

    private static String megabytes(long bytes) {
        return bytes < 1024 * 1024 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
