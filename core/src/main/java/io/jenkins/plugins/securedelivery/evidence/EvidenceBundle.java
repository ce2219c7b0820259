package io.jenkins.plugins.securedelivery.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.DsseEnvelope;
import io.jenkins.plugins.securedelivery.signing.SigningInputException;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.VerificationKey;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An evidence bundle: one zip holding what a release is judged by (reports, SBOMs, gate verdicts, approval records)
 * under {@code files/}, a {@code manifest.json} stating each file's SHA-256 and size and what image, commit and run
 * they belong to, and {@code manifest.dsse.json}, that manifest signed as a DSSE envelope.
 * <p>
 * The same inputs give the same bytes: entries sorted, every entry dated {@code SOURCE_DATE_EPOCH} (else
 * {@link #DEFAULT_ENTRY_TIME}), fixed mode and compression, and deterministic ECDSA signatures (RFC 6979).
 */
public final class EvidenceBundle {

    /** The DSSE payload type of {@code manifest.dsse.json}. */
    public static final String MANIFEST_PAYLOAD_TYPE = "application/vnd.secure-delivery.evidence-manifest.v1+json";
    /** The time every zip entry carries when {@code SOURCE_DATE_EPOCH} is not set: 1980-02-01T00:00:00Z. */
    public static final Instant DEFAULT_ENTRY_TIME = EvidenceZip.EARLIEST;

    static final String MANIFEST = "manifest.json";
    static final String SIGNED_MANIFEST = "manifest.dsse.json";
    static final String FILES = "files/";
    private static final long MAX_MANIFEST = 16L << 20;
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvidenceBundle() {}

    /**
     * What a bundle is made of.
     *
     * @param image            the image the evidence is about, with its digest
     * @param sourceRepository the source repository URL, or null
     * @param sourceCommit     the full source commit hash (40 or 64 hex digits), or null
     * @param runUrl           the CI run's URL, or null
     * @param created          when the evidence is assembled (the build's time, for reproducible bundles)
     * @param files            reports, SBOMs and other files
     * @param gates            gate verdict files (JSON)
     * @param approvals        approval record files (JSON)
     */
    public record Request(ImageReference image, String sourceRepository, String sourceCommit, String runUrl, Instant created,
                          List<EvidenceFile> files, List<EvidenceFile> gates, List<EvidenceFile> approvals) {

        public Request {
            if (image == null || image.digest() == null) {
                throw new EvidenceInputException(String.valueOf(image), "the image has no digest; evidence is about one image, by digest",
                        "give the image as registry/repository@sha256:<hex>, as sign printed it");
            }
            if (sourceCommit != null && !COMMIT.matcher(sourceCommit).matches()) {
                throw new EvidenceInputException(sourceCommit, "the source commit is not a full 40 (or 64) hex digit commit hash",
                        "give the full hash, e.g. $(git rev-parse HEAD)");
            }
            requireNoCredentials("source repository", sourceRepository);
            requireNoCredentials("run URL", runUrl);
            if (created == null) {
                throw new EvidenceInputException("created", "no creation time was given", "give the time the evidence is assembled");
            }
            files = List.copyOf(files);
            gates = List.copyOf(gates);
            approvals = List.copyOf(approvals);
            if (files.isEmpty() && gates.isEmpty() && approvals.isEmpty()) {
                throw new EvidenceInputException(image.toString(), "no file was given; an empty bundle is evidence of nothing",
                        "give the reports, SBOMs, gate verdicts and approval records of the release");
            }
        }
    }

    /**
     * A bundle written.
     *
     * @param bundle   where it was written
     * @param sha256   {@code sha256:<hex>} of the zip
     * @param manifest what it holds
     */
    public record Created(Path bundle, String sha256, EvidenceManifest manifest) {}

    /**
     * Reads every file, signs the manifest with {@code key} and writes the bundle to {@code out}, all or nothing: a
     * missing file or a bad key leaves no file behind, and an existing {@code out} is replaced only when complete.
     *
     * @throws EvidenceInputException naming a file that cannot be read, is not JSON (gates, approvals) or is named twice
     */
    public static Created create(Request request, SigningKey key, Path out) throws IOException {
        byte[] zip = bytes(request, key, entryTime(System.getenv()));
        Path directory = out.toAbsolutePath().getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new EvidenceInputException(out.toString(), "the directory to write the bundle to does not exist",
                    "create " + directory + " first, or choose another --out");
        }
        AtomicFile.write(out, zip);
        try {
            return new Created(out, sha256(zip), EvidenceManifest.parse(manifestOf(zip), out.toString()));
        } catch (InvalidBundle e) {
            throw new IllegalStateException("a bundle just written cannot be read back: " + e.getMessage(), e);
        }
    }

    /** The bundle's bytes, its entries dated {@code entryTime}. */
    static byte[] bytes(Request request, SigningKey key, Instant entryTime) throws IOException {
        Map<String, Path> sources = new HashMap<>();
        TreeMap<String, byte[]> contents = new TreeMap<>();
        List<String> gates = add(request.gates(), "gate verdict", sources, contents);
        List<String> approvals = add(request.approvals(), "approval record", sources, contents);
        add(request.files(), null, sources, contents);
        List<EvidenceManifest.FileEntry> files = contents.entrySet().stream()
                .map(e -> new EvidenceManifest.FileEntry(e.getKey(), sha256(e.getValue()), e.getValue().length)).toList();
        EvidenceManifest manifest = new EvidenceManifest(EvidenceManifest.SCHEMA_VERSION, request.image().name(), request.image().digest(),
                request.sourceRepository(), request.sourceCommit(), request.runUrl(), request.created(), files,
                gates.stream().sorted().toList(), approvals.stream().sorted().toList());
        byte[] manifestJson = manifest.toJson();
        TreeMap<String, byte[]> entries = new TreeMap<>();
        contents.forEach((name, content) -> entries.put(FILES + name, content));
        entries.put(MANIFEST, manifestJson);
        entries.put(SIGNED_MANIFEST, DsseEnvelope.sign(MANIFEST_PAYLOAD_TYPE, manifestJson, key));
        return EvidenceZip.write(entries, entryTime);
    }

    private static List<String> add(List<EvidenceFile> files, String jsonKind, Map<String, Path> sources, Map<String, byte[]> contents)
            throws IOException {
        List<String> names = new ArrayList<>();
        for (EvidenceFile file : files) {
            Path earlier = sources.putIfAbsent(file.name(), file.source());
            if (earlier != null && earlier.toAbsolutePath().normalize().equals(file.source().toAbsolutePath().normalize())) {
                // The same file given twice (a gate verdict also matched by files: '**/*.json') is bundled once, in its first
                // role: gates and approvals are added before files, so it stays listed as a verdict or record.
                continue;
            }
            if (earlier != null) {
                throw new EvidenceInputException(file.source().toString(), "its name in the bundle, '" + file.name()
                        + "', is also the name of " + earlier, "give each file once, or rename one of them");
            }
            byte[] content = read(file.source());
            if (jsonKind != null) {
                requireJson(file.source(), content, jsonKind);
            }
            contents.put(file.name(), content);
            names.add(file.name());
        }
        return names;
    }

    private static byte[] read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new EvidenceInputException(file.toString(), "this is a directory", "give the files in it one by one");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new EvidenceInputException(file.toString(), "no such file", "check the path; evidence is never made without a file it names");
        } catch (AccessDeniedException e) {
            throw new EvidenceInputException(file.toString(), "the file cannot be read (permission denied)", "give read permission");
        }
    }

    private static void requireJson(Path file, byte[] content, String kind) {
        try {
            if (JSON.readTree(content) instanceof com.fasterxml.jackson.databind.node.ObjectNode) {
                return;
            }
        } catch (IOException notJson) {
            // Reported below, without the parser's message, which may quote the content.
        }
        throw new EvidenceInputException(file.toString(), "a " + kind + " must be a JSON object and this file is not one",
                "give the JSON file the " + (kind.startsWith("gate") ? "gate" : "approval") + " wrote, or pass this file as a plain file");
    }

    private static void requireNoCredentials(String what, String url) {
        if (url == null) {
            return;
        }
        try {
            if (new URI(url).getRawUserInfo() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            throw new EvidenceInputException(what, "'" + url + "' is not a URL", "give it as https://...");
        }
        throw new EvidenceInputException(what, "the URL carries a user name or password, which would be published in the bundle",
                "give the URL without user:password@");
    }

    /** Every zip entry's time: {@code SOURCE_DATE_EPOCH} (seconds, UTC) when set, else {@link #DEFAULT_ENTRY_TIME}. */
    static Instant entryTime(Map<String, String> environment) {
        String epoch = environment.get("SOURCE_DATE_EPOCH");
        if (epoch == null || epoch.isBlank()) {
            return DEFAULT_ENTRY_TIME;
        }
        try {
            Instant time = Instant.ofEpochSecond(Long.parseLong(epoch.strip()));
            if (time.isAfter(EvidenceZip.LATEST)) {
                throw new EvidenceInputException("SOURCE_DATE_EPOCH", "'" + epoch + "' is after 2107, which zip cannot date",
                        "set it to the commit time in seconds, e.g. $(git log -1 --format=%ct)");
            }
            // Zip cannot date anything before 1980; earlier commit times all become the default.
            return time.isBefore(DEFAULT_ENTRY_TIME) ? DEFAULT_ENTRY_TIME : time;
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new EvidenceInputException("SOURCE_DATE_EPOCH", "'" + epoch + "' is not a number of seconds",
                    "set it to the commit time in seconds, e.g. $(git log -1 --format=%ct), or unset it");
        }
    }

    /** Verifies the bundle file {@code bundle}; {@code expectedImage}, when given, must name the same digest. */
    public static EvidenceReport verify(Path bundle, VerificationKey key, ImageReference expectedImage) throws IOException {
        return verify(bundle.toString(), Files.readAllBytes(bundle), key, expectedImage);
    }

    /**
     * Verifies a bundle held in memory (e.g. pulled from a registry), named {@code name} in the report: the signature
     * by {@code key}, manifest.json equal to the signed manifest, every listed file present with its size and SHA-256,
     * nothing unlisted, no entry named twice or unsafely, and, when {@code expectedImage} is given, its digest.
     */
    public static EvidenceReport verify(String name, byte[] bundle, VerificationKey key, ImageReference expectedImage) {
        if (expectedImage != null && expectedImage.digest() == null) {
            throw new EvidenceInputException(expectedImage.toString(), "the image to check against has no digest",
                    "give it as registry/repository@sha256:<hex>");
        }
        List<EvidenceReport.Check> checks = new ArrayList<>();
        EvidenceZip zip;
        try {
            zip = EvidenceZip.open(bundle, name);
        } catch (InvalidBundle e) {
            checks.add(new EvidenceReport.Check("zip", false, e.getMessage()));
            return new EvidenceReport(name, null, checks);
        }
        try (zip) {
            checks.add(new EvidenceReport.Check("zip", true, zip.names().size() + " entries, one central directory, readable front to back"));
            String unsafe = unsafeEntries(zip.names());
            if (unsafe != null) {
                checks.add(new EvidenceReport.Check("entries", false, unsafe));
                return new EvidenceReport(name, null, checks);
            }
            checks.add(new EvidenceReport.Check("entries", true, "no name repeated, none outside the bundle"));
            return verifyContent(name, zip, key, expectedImage, checks);
        }
    }

    private static EvidenceReport verifyContent(String name, EvidenceZip zip, VerificationKey key, ImageReference expectedImage,
                                                List<EvidenceReport.Check> checks) {
        byte[] signedManifest = null;
        byte[] manifestJson;
        try {
            byte[] envelope = zip.read(SIGNED_MANIFEST, MAX_MANIFEST, name);
            if (envelope == null) {
                checks.add(new EvidenceReport.Check("signature", false, SIGNED_MANIFEST + " is missing: the bundle is not signed"));
            } else {
                signedManifest = signature(name, envelope, key, checks);
            }
            manifestJson = zip.read(MANIFEST, MAX_MANIFEST, name);
        } catch (InvalidBundle e) {
            checks.add(new EvidenceReport.Check("manifest", false, e.getMessage()));
            return new EvidenceReport(name, null, checks);
        }
        if (manifestJson == null) {
            checks.add(new EvidenceReport.Check("manifest", false, MANIFEST + " is missing"));
        } else if (signedManifest != null) {
            checks.add(Arrays.equals(manifestJson, signedManifest)
                    ? new EvidenceReport.Check("manifest", true, MANIFEST + " is the manifest signed")
                    : new EvidenceReport.Check("manifest", false, MANIFEST + " differs from the manifest signed in " + SIGNED_MANIFEST
                    + "; the files are checked against the signed one"));
        }
        byte[] trusted = signedManifest != null ? signedManifest : manifestJson;
        if (trusted == null) {
            return new EvidenceReport(name, null, checks);
        }
        EvidenceManifest manifest;
        try {
            manifest = EvidenceManifest.parse(trusted, signedManifest != null ? "the signed manifest" : MANIFEST + " (unsigned)");
        } catch (InvalidBundle e) {
            checks.add(new EvidenceReport.Check("manifest", false, e.getMessage()));
            return new EvidenceReport(name, null, checks);
        }
        for (EvidenceManifest.FileEntry file : manifest.files()) {
            checks.add(fileCheck(name, zip, file));
        }
        Set<String> unlisted = new LinkedHashSet<>(zip.names());
        unlisted.remove(MANIFEST);
        unlisted.remove(SIGNED_MANIFEST);
        manifest.files().forEach(f -> unlisted.remove(FILES + f.name()));
        checks.add(unlisted.isEmpty()
                ? new EvidenceReport.Check("unlisted entries", true, "none: every entry is a manifest or a listed file")
                : new EvidenceReport.Check("unlisted entries", false, "the manifest does not list " + String.join(", ", unlisted)));
        if (expectedImage != null) {
            checks.add(expectedImage.digest().equals(manifest.imageDigest())
                    ? new EvidenceReport.Check("image", true, manifest.imageDigest() + " as expected")
                    : new EvidenceReport.Check("image", false, "the bundle is about " + manifest.imageName() + "@" + manifest.imageDigest()
                    + ", not " + expectedImage.digest()));
        }
        return new EvidenceReport(name, manifest, checks);
    }

    /** The signed payload when the envelope verifies with {@code key}, else null with a failed check. */
    private static byte[] signature(String name, byte[] envelope, VerificationKey key, List<EvidenceReport.Check> checks) {
        try {
            DsseEnvelope.Verified verified = DsseEnvelope.verify(name + ": " + SIGNED_MANIFEST, envelope, MANIFEST_PAYLOAD_TYPE, key);
            checks.add(new EvidenceReport.Check("signature", true, "the manifest is signed by " + key));
            return verified.payload();
        } catch (DsseEnvelope.NotVerified | SigningInputException e) {
            checks.add(new EvidenceReport.Check("signature", false, e.getMessage()));
            return null;
        }
    }

    private static EvidenceReport.Check fileCheck(String name, EvidenceZip zip, EvidenceManifest.FileEntry file) {
        String subject = "file " + file.name();
        byte[] content;
        try {
            content = zip.read(FILES + file.name(), file.size(), name);
        } catch (InvalidBundle e) {
            return new EvidenceReport.Check(subject, false, "larger than the " + file.size() + " bytes listed, or damaged: " + e.getMessage());
        }
        if (content == null) {
            return new EvidenceReport.Check(subject, false, "listed in the manifest but missing from the bundle");
        }
        if (content.length != file.size()) {
            return new EvidenceReport.Check(subject, false, content.length + " bytes, the manifest lists " + file.size());
        }
        String actual = sha256(content);
        if (!actual.equals(file.sha256())) {
            return new EvidenceReport.Check(subject, false, "content changed: " + actual + ", the manifest lists " + file.sha256());
        }
        return new EvidenceReport.Check(subject, true, file.size() + " bytes, " + file.sha256());
    }

    /** Why the entry names are unsafe (repeated, outside files/, escaping), or null when they are fine. */
    private static String unsafeEntries(List<String> names) {
        Set<String> seen = new java.util.HashSet<>();
        for (String entry : names) {
            if (!seen.add(entry)) {
                return "entry '" + entry + "' appears twice; readers would disagree on which is meant";
            }
            if (entry.equals(MANIFEST) || entry.equals(SIGNED_MANIFEST)) {
                continue;
            }
            if (!entry.startsWith(FILES)) {
                return "entry '" + entry + "' is outside files/";
            }
            try {
                if (!EvidenceFile.normalise(entry.substring(FILES.length())).equals(entry.substring(FILES.length()))) {
                    return "entry '" + entry + "' is not in normal form";
                }
            } catch (EvidenceInputException e) {
                return "entry '" + entry + "' is unsafe to unpack: " + e.getMessage();
            }
        }
        return null;
    }

    /** The manifest.json of a bundle, unverified: what push reads to know the image. */
    static byte[] manifestOf(byte[] bundle) throws InvalidBundle {
        try (EvidenceZip zip = EvidenceZip.open(bundle, "the bundle")) {
            byte[] manifest = zip.read(MANIFEST, MAX_MANIFEST, "the bundle");
            if (manifest == null) {
                throw new InvalidBundle("the bundle has no " + MANIFEST);
            }
            return manifest;
        }
    }

    static String sha256(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
