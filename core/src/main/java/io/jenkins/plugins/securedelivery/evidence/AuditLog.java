package io.jenkins.plugins.securedelivery.evidence;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * An append-only, tamper-evident audit log: one JSON line per {@link AuditEntry}, each naming the SHA-256 of the line
 * before it ({@code prev}) and of its own content ({@code hash}). {@link #verify} finds a changed, deleted, inserted
 * or reordered line and names it.
 * <p>
 * What the chain cannot show on its own: lines cut off the end, or a log rewritten from some line on by someone who
 * recomputes every hash. Keep the {@linkplain Verification#head() head} (the last entry's hash) somewhere else (an
 * evidence bundle, a commit trailer, the run's log) and give it to {@link #verify(String)}: a head no longer in the log
 * is reported.
 * <p>
 * Appends are atomic and ordered between threads of one JVM and between processes (an exclusive file lock held while
 * the last line is read and the new one written). Entries are plain values that every auditor reads: callers must
 * never put a secret (password, token, key, webhook URL with a token) in them; details whose key names a secret are
 * refused as a safety net.
 */
public final class AuditLog {

    /** The {@code prev} of the first entry: no line before it. */
    public static final String GENESIS = "sha256:" + "0".repeat(64);

    private static final int MAX_LINE = 1 << 20;
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|secret|token|credential|private[-_ .]?key|api[-_ .]?key).*");
    // One lock per log file in this JVM: the operating system's file lock is per process, and Java refuses to take it twice.
    private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Clock clock;

    public AuditLog(Path file) {
        this(file, Clock.systemUTC());
    }

    AuditLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /**
     * The result of {@link #verify}.
     *
     * @param log      the log file
     * @param entries  the lines read and found intact (all of them when intact)
     * @param head     the hash of the last intact entry, {@link #GENESIS} for an empty log
     * @param problems empty when intact; else the first problem found, naming its line
     */
    public record Verification(Path log, long entries, String head, List<Problem> problems) {
        public Verification {
            problems = List.copyOf(problems);
        }

        public boolean intact() {
            return problems.isEmpty();
        }

        /** One line for a terminal. */
        public String summary() {
            return intact() ? "INTACT audit log " + log + ": " + entries + " entries, head " + head
                    : "BROKEN audit log " + log + ": " + String.join("; ", problems.stream().map(Problem::toString).toList());
        }
    }

    /** What is wrong, and at which line (1 for the first; after the last for a head missing at the end). */
    public record Problem(long line, String message) {
        @Override
        public String toString() {
            return "line " + line + " " + message;
        }
    }

    /**
     * Appends an entry, creating the log when it does not exist.
     *
     * @throws AuditLogException when a field is blank, a detail names a secret, or the log's last line is damaged
     *                           (nothing is appended to a log whose end cannot be trusted)
     */
    public AuditEntry append(String actor, String action, String subject, Map<String, String> details) throws IOException {
        require("actor", actor);
        require("action", action);
        require("subject", subject);
        for (Map.Entry<String, String> detail : details.entrySet()) {
            require("detail key", detail.getKey());
            if (detail.getValue() == null) {
                throw new AuditLogException("detail " + detail.getKey(), "has no value", "give a value, or leave the detail out");
            }
            if (SECRET_KEY.matcher(detail.getKey()).matches() || detail.getValue().contains("PRIVATE KEY-----")) {
                throw new AuditLogException("detail " + detail.getKey(), "looks like a secret, and every auditor reads the log",
                        "record who did what, never a password, token or key");
            }
        }
        Path absolute = file.toAbsolutePath().normalize();
        ReentrantLock lock = LOCKS.computeIfAbsent(absolute, p -> new ReentrantLock());
        lock.lock();
        try (FileChannel channel = open(absolute); FileLock ignored = channel.lock()) {
            long size = channel.size();
            byte[] last = lastLine(channel, size);
            long seq = 1;
            String prev = GENESIS;
            if (last != null) {
                AuditEntry previous = trustedLastEntry(last);
                seq = previous.seq() + 1;
                prev = EvidenceBundle.sha256(last);
            }
            AuditEntry entry = AuditEntry.sealed(seq, clock.instant().truncatedTo(ChronoUnit.MILLIS), actor, action, subject, details, prev);
            byte[] line = entry.line();
            if (line.length > MAX_LINE) {
                throw new AuditLogException(file.toString(), "the entry is longer than " + MAX_LINE + " bytes", "record less detail");
            }
            ByteBuffer buffer = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
            try {
                long position = size;
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                channel.force(false);
            } catch (IOException e) {
                // Leave no half line behind: the next append and every verify would stop at it.
                channel.truncate(size);
                throw e;
            }
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /** Verifies the whole log (an absent log is empty); truncation at the end is detected only with {@link #verify(String)}. */
    public Verification verify() throws IOException {
        return verify(null);
    }

    /**
     * Verifies the whole log, and that the entry {@code knownHead} (a hash an earlier append or verify reported), when
     * given, is still in it.
     */
    public Verification verify(String knownHead) throws IOException {
        String prevLine = GENESIS;
        String head = GENESIS;
        boolean headFound = knownHead == null || knownHead.equals(GENESIS);
        long line = 0;
        if (!Files.exists(file)) {
            return finish(0, head, headFound, knownHead);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            for (Line read = Line.next(in); read != null; read = Line.next(in)) {
                line++;
                Problem problem = check(line, read, prevLine);
                if (problem != null) {
                    return new Verification(file, line - 1, head, List.of(problem));
                }
                AuditEntry entry = AuditEntry.parse(read.bytes());
                prevLine = EvidenceBundle.sha256(read.bytes());
                head = entry.hash();
                headFound |= head.equals(knownHead);
            }
        }
        return finish(line, head, headFound, knownHead);
    }

    private Verification finish(long lines, String head, boolean headFound, String knownHead) {
        List<Problem> problems = new ArrayList<>();
        if (!headFound) {
            problems.add(new Problem(lines + 1, "(the end): the entry " + knownHead + " you knew as the head is not in the log:"
                    + " entries were cut off its end, or it was rewritten"));
        }
        return new Verification(file, lines, head, problems);
    }

    private static Problem check(long line, Line read, String prevLine) {
        if (!read.complete()) {
            return new Problem(line, "is incomplete (no line end): an append was interrupted, or the end was cut off");
        }
        AuditEntry entry;
        try {
            entry = AuditEntry.parse(read.bytes());
        } catch (IllegalArgumentException e) {
            return new Problem(line, "is not an audit entry: " + e.getMessage());
        }
        if (!Arrays.equals(entry.line(), read.bytes())) {
            return new Problem(line, "is not written as the log writes entries: it was edited");
        }
        if (!entry.hash().equals(entry.expectedHash())) {
            return new Problem(line, "was changed: its content no longer matches its hash");
        }
        if (entry.seq() > line) {
            return new Problem(line, "has seq " + entry.seq() + " where " + line + " was expected: lines before it were deleted, or lines were reordered");
        }
        if (entry.seq() < line) {
            return new Problem(line, "has seq " + entry.seq() + " where " + line + " was expected: a line was inserted before it, or lines were reordered");
        }
        if (!entry.prev().equals(prevLine)) {
            return new Problem(line, line == 1 ? "does not start the chain (its prev is not " + GENESIS + "): the log's beginning was replaced"
                    : "does not follow line " + (line - 1) + " (its prev is not that line's hash): line " + (line - 1)
                    + " was changed or replaced");
        }
        return null;
    }

    private AuditEntry trustedLastEntry(byte[] last) {
        AuditEntry entry;
        try {
            entry = AuditEntry.parse(last);
        } catch (IllegalArgumentException e) {
            throw damaged("its last line is not an audit entry: " + e.getMessage());
        }
        if (!Arrays.equals(entry.line(), last) || !entry.hash().equals(entry.expectedHash())) {
            throw damaged("its last line was changed: its content no longer matches its hash");
        }
        return entry;
    }

    private AuditLogException damaged(String problem) {
        return new AuditLogException(file.toString(), problem + "; nothing was appended",
                "run audit verify on it to find the damage, and keep the log as it is for the investigation");
    }

    private FileChannel open(Path absolute) throws IOException {
        try {
            return FileChannel.open(absolute, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new AuditLogException(file.toString(), "its directory does not exist", "create the directory first");
        }
    }

    /** The last line's bytes without its line end; null for an empty log. */
    private byte[] lastLine(FileChannel channel, long size) throws IOException {
        if (size == 0) {
            return null;
        }
        if (read(channel, size - 1, 1)[0] != '\n') {
            throw damaged("its last line is incomplete (no line end): an append was interrupted");
        }
        long end = size - 1;
        long start = end;
        while (start > 0) {
            int length = (int) Math.min(8192, start);
            byte[] chunk = read(channel, start - length, length);
            int newline = length - 1;
            while (newline >= 0 && chunk[newline] != '\n') {
                newline--;
            }
            if (newline >= 0) {
                start = start - length + newline + 1;
                break;
            }
            start -= length;
            if (end - start > MAX_LINE) {
                throw damaged("its last line is longer than " + MAX_LINE + " bytes, which the log never writes");
            }
        }
        return read(channel, start, (int) (end - start));
    }

    private static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("the log ended while being read");
            }
        }
        return buffer.array();
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new AuditLogException(field, "is empty", "say who did what to what: actor, action and subject are required");
        }
    }

    /** A line of the log without its line end, and whether it had one. */
    private record Line(byte[] bytes, boolean complete) {
        static Line next(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    return new Line(line.toByteArray(), true);
                }
                if (line.size() > MAX_LINE) {
                    return new Line(line.toByteArray(), false);
                }
                line.write(b);
            }
            return line.size() == 0 ? null : new Line(line.toByteArray(), false);
        }
    }
}
