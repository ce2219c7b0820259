package io.jenkins.plugins.securedelivery.evidence;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipExtraField;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * The zip of an evidence bundle. Written reproducibly: entries sorted by name, one fixed time, mode 0644, deflate
 * level 9, UTF-8 names, no extra fields. Read defensively: the central directory and a front-to-back read (what
 * {@code unzip} and streaming readers see) must agree, and no entry is read past a limit.
 */
final class EvidenceZip implements AutoCloseable {

    /**
     * The earliest time written: a month after the MS-DOS epoch (1980-01-01), as Gradle does, so no time zone moves it
     * before what zip can hold.
     */
    static final Instant EARLIEST = Instant.parse("1980-02-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("2107-12-31T23:59:58Z");

    private final ZipFile zip;
    private final List<ZipArchiveEntry> entries;

    private EvidenceZip(ZipFile zip, List<ZipArchiveEntry> entries) {
        this.zip = zip;
        this.entries = entries;
    }

    /** The zip of {@code entries} (name to content; the map's order is the zip's), every entry dated {@code time}. */
    static byte[] write(SortedMap<String, byte[]> entries, Instant time) {
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw new IllegalArgumentException("zip entry time " + time + " is outside February 1980 to 2107, which zip entries can hold");
        }
        // Zip stores the local wall-clock time; writing the UTC fields as local time makes the bytes the same in every time zone.
        long localMillis = LocalDateTime.ofInstant(time, ZoneOffset.UTC).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(bytes)) {
            out.setUseZip64(Zip64Mode.Never);
            out.setMethod(ZipArchiveOutputStream.DEFLATED);
            out.setLevel(Deflater.BEST_COMPRESSION);
            out.setEncoding("UTF-8");
            out.setUseLanguageEncodingFlag(true);
            out.setCreateUnicodeExtraFields(ZipArchiveOutputStream.UnicodeExtraFieldPolicy.NEVER);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.getKey());
                zipEntry.setUnixMode(UnixStat.FILE_FLAG | 0644);
                zipEntry.setTime(localMillis);
                // setTime adds extended-time fields for times it judges outside DOS range; the DOS fields suffice here.
                zipEntry.setExtraFields(new ZipExtraField[0]);
                zipEntry.setMethod(ZipArchiveEntry.DEFLATED);
                out.putArchiveEntry(zipEntry);
                out.write(entry.getValue());
                out.closeArchiveEntry();
            }
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Opens a bundle's zip and checks its structure: every entry a plain file (no directory, no encryption, stored or
     * deflated), and the central directory listing exactly the entries, in the order, that a front-to-back read finds.
     */
    static EvidenceZip open(byte[] bundle, String what) throws InvalidBundle {
        ZipFile zip;
        try {
            zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(bundle)).get();
        } catch (IOException e) {
            throw new InvalidBundle(what + " is not a readable zip file");
        }
        List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
        try {
            for (ZipArchiveEntry entry : entries) {
                if (entry.isDirectory()) {
                    throw new InvalidBundle(what + ": entry '" + entry.getName() + "' is a directory; a bundle holds files only");
                }
                if (!zip.canReadEntryData(entry)) {
                    throw new InvalidBundle(what + ": entry '" + entry.getName() + "' is encrypted or compressed by an unsupported method");
                }
            }
            List<String> streamed = new ArrayList<>();
            try (ZipArchiveInputStream in = new ZipArchiveInputStream(new ByteArrayInputStream(bundle), "UTF-8", true, true)) {
                for (ZipArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    streamed.add(entry.getName());
                }
            } catch (IOException | RuntimeException e) {
                throw new InvalidBundle(what + " cannot be read front to back as unzip does (" + e.getClass().getSimpleName() + ")");
            }
            List<String> directory = entries.stream().map(ZipArchiveEntry::getName).toList();
            if (!streamed.equals(directory)) {
                throw new InvalidBundle(what + ": its central directory lists " + directory + " but reading it front to back finds "
                        + streamed + "; the zip was altered to show different readers different files");
            }
        } catch (InvalidBundle e) {
            closeQuietly(zip);
            throw e;
        }
        return new EvidenceZip(zip, entries);
    }

    /** Entry names in the order stored, duplicates included. */
    List<String> names() {
        return entries.stream().map(ZipArchiveEntry::getName).toList();
    }

    /** The content of the one entry named {@code name}, at most {@code limit} bytes; null when there is no such entry. */
    byte[] read(String name, long limit, String what) throws InvalidBundle {
        ZipArchiveEntry entry = zip.getEntry(name);
        if (entry == null) {
            return null;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] content = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (content.length > limit) {
                throw new InvalidBundle(what + ": entry '" + name + "' holds more than " + limit + " bytes");
            }
            // The reader does not check the CRC itself; without this a change in a compressed entry that still inflates
            // would go unnoticed in what the signature does not cover (the envelope's key id).
            CRC32 crc = new CRC32();
            crc.update(content);
            if (crc.getValue() != entry.getCrc() || content.length != entry.getSize()) {
                throw new InvalidBundle(what + ": entry '" + name + "' is damaged: its content does not match the CRC and size the zip records");
            }
            return content;
        } catch (IOException e) {
            throw new InvalidBundle(what + ": entry '" + name + "' cannot be decompressed (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException inMemory) {
            // Nothing to release: the zip is held in memory.
        }
    }
}
