package io.jenkins.plugins.securedelivery.evidence;

import static io.jenkins.plugins.securedelivery.evidence.EvidenceFixtures.CREATED;
import static io.jenkins.plugins.securedelivery.evidence.EvidenceFixtures.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.VerificationKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceBundleTest {

    @TempDir
    Path temp;
    Path workspace;
    SigningKey key;
    VerificationKey publicKey;

    @BeforeEach
    void workspaceAndKey() throws Exception {
        workspace = EvidenceFixtures.workspace(temp.resolve("workspace"));
        key = EvidenceFixtures.cosignKey();
        publicKey = key.verificationKey();
    }

    private byte[] create() throws Exception {
        Path out = temp.resolve("evidence.zip");
        EvidenceBundle.create(EvidenceFixtures.request(workspace), key, out);
        return Files.readAllBytes(out);
    }

    @Test
    void aBundleListsEveryFileWithItsHashAndSizeAndItsSignedManifestVerifies() throws Exception {
        EvidenceBundle.Created created = EvidenceBundle.create(EvidenceFixtures.request(workspace), key, temp.resolve("evidence.zip"));

        EvidenceReport report = EvidenceBundle.verify(created.bundle(), publicKey, IMAGE);

        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.summary()).startsWith("PASSED verification of evidence bundle " + created.bundle() + " for " + IMAGE.name() + "@");
        assertThat(report.checks()).extracting(EvidenceReport.Check::subject).containsExactly("zip", "entries", "signature", "manifest",
                "file Dockerfile", "file approvals/cab.json", "file gates/coverage.json", "file reports/go.sum",
                "file reports/package-lock.json", "unlisted entries", "image");
        EvidenceManifest manifest = created.manifest();
        assertThat(manifest.imageDigest()).isEqualTo(IMAGE.digest());
        assertThat(manifest.sourceCommit()).isEqualTo(EvidenceFixtures.COMMIT);
        assertThat(manifest.runUrl()).isEqualTo("https://jenkins.example.com/job/app/42/");
        assertThat(manifest.created()).isEqualTo(CREATED);
        assertThat(manifest.gates()).containsExactly("gates/coverage.json");
        assertThat(manifest.approvals()).containsExactly("approvals/cab.json");
        byte[] goSum = Files.readAllBytes(workspace.resolve("reports/go.sum"));
        assertThat(manifest.file("reports/go.sum")).isEqualTo(new EvidenceManifest.FileEntry("reports/go.sum", EvidenceBundle.sha256(goSum), goSum.length));
        assertThat(created.sha256()).isEqualTo(EvidenceBundle.sha256(Files.readAllBytes(created.bundle())));
    }

    @Test
    void aGateVerdictAlsoMatchedByTheFilesIsBundledOnceAsAVerdict() throws Exception {
        // given the gate verdict listed as a gate and again among the files, as a pattern like '**/*.json' matches it
        EvidenceBundle.Request base = EvidenceFixtures.request(workspace);
        EvidenceFile verdict = base.gates().get(0);
        List<EvidenceFile> files = new java.util.ArrayList<>(base.files());
        files.add(new EvidenceFile(verdict.name(), workspace.resolve("gates/../gates/coverage.json")));
        EvidenceBundle.Request request = new EvidenceBundle.Request(base.image(), base.sourceRepository(), base.sourceCommit(),
                base.runUrl(), base.created(), files, base.gates(), base.approvals());

        // when
        EvidenceBundle.Created created = EvidenceBundle.create(request, key, temp.resolve("evidence.zip"));

        // then it is in the bundle once, listed as a gate verdict, and the bundle verifies
        assertThat(created.manifest().files()).extracting(EvidenceManifest.FileEntry::name).containsOnlyOnce("gates/coverage.json");
        assertThat(created.manifest().gates()).containsExactly("gates/coverage.json");
        assertThat(EvidenceBundle.verify(created.bundle(), publicKey, IMAGE).passed()).isTrue();
    }

    @Test
    void twoDifferentFilesUnderOneNameAreRefused() throws Exception {
        // given another file given the gate verdict's name in the bundle
        EvidenceBundle.Request base = EvidenceFixtures.request(workspace);
        List<EvidenceFile> files = new java.util.ArrayList<>(base.files());
        files.add(new EvidenceFile("gates/coverage.json", workspace.resolve("Dockerfile")));
        EvidenceBundle.Request request = new EvidenceBundle.Request(base.image(), base.sourceRepository(), base.sourceCommit(),
                base.runUrl(), base.created(), files, base.gates(), base.approvals());

        // when / then
        assertThatThrownBy(() -> EvidenceBundle.create(request, key, temp.resolve("evidence.zip")))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("'gates/coverage.json', is also the name of");
        assertThat(temp.resolve("evidence.zip")).doesNotExist();
    }

    @Test
    void theSignedManifestIsADsseEnvelopeOfTheEvidenceManifestType() throws Exception {
        TreeMap<String, byte[]> entries = EvidenceFixtures.entries(create());

        JsonNode envelope = new ObjectMapper().readTree(entries.get("manifest.dsse.json"));

        assertThat(envelope.path("payloadType").asText()).isEqualTo("application/vnd.secure-delivery.evidence-manifest.v1+json");
        assertThat(java.util.Base64.getDecoder().decode(envelope.path("payload").asText())).isEqualTo(entries.get("manifest.json"));
        assertThat(envelope.path("signatures").get(0).path("keyid").asText()).isEqualTo(publicKey.hint());
        assertThat(new String(entries.get("manifest.json"), StandardCharsets.UTF_8)).doesNotContain("\r").endsWith("}\n");
    }

    @Test
    void theSameInputsGiveTheSameBytesInAnotherDirectoryAndAnotherTimeZone() throws Exception {
        byte[] first = create();
        TimeZone zone = TimeZone.getDefault();
        for (String elsewhere : List.of("America/Los_Angeles", "Asia/Tokyo")) {
            Path workspaceElsewhere = EvidenceFixtures.workspace(Files.createTempDirectory(temp, "second-run"));
            byte[] second;
            try {
                TimeZone.setDefault(TimeZone.getTimeZone(elsewhere));
                Path out = Files.createTempDirectory(temp, "out").resolve("again.zip");
                EvidenceBundle.create(EvidenceFixtures.request(workspaceElsewhere), EvidenceFixtures.cosignKey(), out);
                second = Files.readAllBytes(out);
            } finally {
                TimeZone.setDefault(zone);
            }

            assertThat(second).as(elsewhere).isEqualTo(first);
        }
    }

    @Test
    void entriesAreSortedDatedAlikeReadableByTheOwnerAndCarryNoExtraFields() throws Exception {
        byte[] bundle = EvidenceBundle.bytes(EvidenceFixtures.request(workspace), key, Instant.parse("2026-11-20T10:00:00Z"));

        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(bundle)).get()) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
            assertThat(entries).extracting(ZipArchiveEntry::getName).containsExactly("files/Dockerfile", "files/approvals/cab.json",
                    "files/gates/coverage.json", "files/reports/go.sum", "files/reports/package-lock.json", "manifest.dsse.json", "manifest.json");
            for (ZipArchiveEntry entry : entries) {
                assertThat(LocalDateTime.ofInstant(entry.getLastModifiedDate().toInstant(), TimeZone.getDefault().toZoneId()))
                        .isEqualTo(LocalDateTime.parse("2026-11-20T10:00:00"));
                assertThat(entry.getUnixMode()).isEqualTo(0100644);
                assertThat(entry.getMethod()).isEqualTo(ZipArchiveEntry.DEFLATED);
                assertThat(entry.getExtraFields(true)).isEmpty();
                assertThat(entry.getLocalFileDataExtra()).isEmpty();
                assertThat(entry.getCentralDirectoryExtra()).isEmpty();
            }
        }
    }

    @Test
    void zipTimesComeFromSourceDateEpochElseTheFirstMomentZipCanHold() {
        assertThat(EvidenceBundle.entryTime(Map.of())).isEqualTo(Instant.parse("1980-02-01T00:00:00Z"));
        assertThat(EvidenceBundle.entryTime(Map.of("SOURCE_DATE_EPOCH", "1795000000"))).isEqualTo(Instant.ofEpochSecond(1795000000));
        assertThat(EvidenceBundle.entryTime(Map.of("SOURCE_DATE_EPOCH", "0"))).isEqualTo(EvidenceBundle.DEFAULT_ENTRY_TIME);
        assertThatThrownBy(() -> EvidenceBundle.entryTime(Map.of("SOURCE_DATE_EPOCH", "9999999999")))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("after 2107");
        assertThatThrownBy(() -> EvidenceBundle.entryTime(Map.of("SOURCE_DATE_EPOCH", "yesterday")))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("SOURCE_DATE_EPOCH").hasMessageContaining("'yesterday'");
    }

    @Test
    void aMissingFileIsNamedAndLeavesNoBundleBehind() throws Exception {
        Path out = temp.resolve("evidence.zip");
        Files.writeString(out, "the previous bundle");
        EvidenceBundle.Request request = EvidenceFixtures.request(workspace);
        Files.delete(workspace.resolve("reports/go.sum"));

        assertThatThrownBy(() -> EvidenceBundle.create(request, key, out))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("reports/go.sum: no such file");
        assertThat(Files.readString(out)).isEqualTo("the previous bundle");
        try (var files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("workspace", "evidence.zip");
        }
    }

    @Test
    void twoFilesOfOneNameAreRefusedNamingBoth() {
        EvidenceBundle.Request twice = new EvidenceBundle.Request(IMAGE, null, null, null, CREATED,
                List.of(new EvidenceFile("gates/./coverage.json", workspace.resolve("Dockerfile"))),
                List.of(new EvidenceFile("gates/coverage.json", workspace.resolve("gates/coverage.json"))), List.of());

        assertThatThrownBy(() -> EvidenceBundle.bytes(twice, key, CREATED))
                .isInstanceOf(EvidenceInputException.class)
                .hasMessageContaining("'gates/coverage.json'").hasMessageContaining("Dockerfile").hasMessageContaining("gates/coverage.json");
    }

    @Test
    void namesThatWouldEscapeTheBundleAreRefused() {
        for (String name : List.of("../etc/passwd", "reports/../../x", "/etc/passwd", "C:/Windows/win.ini", "reports\\junit.xml", "a\nb", "./", "")) {
            assertThatThrownBy(() -> new EvidenceFile(name, workspace.resolve("Dockerfile"))).as(name).isInstanceOf(EvidenceInputException.class);
        }
        assertThat(new EvidenceFile("./reports//junit.xml", workspace).name()).isEqualTo("reports/junit.xml");
        assertThatThrownBy(() -> EvidenceFile.of(workspace, temp.resolve("elsewhere.txt")))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("outside").hasMessageContaining("--base");
    }

    @Test
    void aGateVerdictOrApprovalThatIsNotJsonIsRefused() throws Exception {
        EvidenceBundle.Request request = new EvidenceBundle.Request(IMAGE, null, null, null, CREATED, List.of(),
                List.of(EvidenceFile.of(workspace, workspace.resolve("Dockerfile"))), List.of());

        assertThatThrownBy(() -> EvidenceBundle.bytes(request, key, CREATED))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("Dockerfile").hasMessageContaining("gate verdict must be a JSON object");
    }

    @Test
    void anImageWithoutDigestACommitAbbreviationAndAUrlWithCredentialsAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> new EvidenceBundle.Request(ImageReference.parse("registry.example.com/team/app:1.0"), null, null, null,
                CREATED, List.of(new EvidenceFile("a", workspace)), List.of(), List.of()))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("no digest");
        assertThatThrownBy(() -> new EvidenceBundle.Request(IMAGE, null, "4f1b2c3", null, CREATED,
                List.of(new EvidenceFile("a", workspace)), List.of(), List.of()))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("4f1b2c3");
        assertThatThrownBy(() -> new EvidenceBundle.Request(IMAGE, "https://ci:hunter2@git.example.com/app.git", null, null, CREATED,
                List.of(new EvidenceFile("a", workspace)), List.of(), List.of()))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("source repository").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new EvidenceBundle.Request(IMAGE, null, null, null, CREATED, List.of(), List.of(), List.of()))
                .isInstanceOf(EvidenceInputException.class).hasMessageContaining("no file was given");
    }

    @Test
    void aFileChangedAfterSigningFailsNamingTheFile() throws Exception {
        TreeMap<String, byte[]> entries = EvidenceFixtures.entries(create());
        byte[] goSum = entries.get("files/reports/go.sum");
        goSum[10] ^= 1;

        EvidenceReport report = EvidenceBundle.verify("tampered.zip", EvidenceZip.write(entries, CREATED), publicKey, null);

        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).singleElement().satisfies(c -> {
            assertThat(c.subject()).isEqualTo("file reports/go.sum");
            assertThat(c.detail()).contains("content changed");
        });
    }

    @Test
    void noOneByteChangeInTheCompressedEntriesPassesWithDifferentContent() throws Exception {
        byte[] bundle = create();
        TreeMap<String, byte[]> original = EvidenceFixtures.entries(bundle);
        List<long[]> regions = new java.util.ArrayList<>();
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(bundle)).get()) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                regions.add(new long[] {entry.getDataOffset(), entry.getCompressedSize()});
            }
        }
        int tried = 0;
        for (long[] region : regions) {
            for (int offset = (int) region[0]; offset < region[0] + region[1]; offset++) {
                byte[] damaged = bundle.clone();
                damaged[offset] ^= 0x20;

                EvidenceReport report = EvidenceBundle.verify("damaged.zip", damaged, publicKey, IMAGE);

                // A flip in the unused bits that pad a deflate stream's last byte changes no content: that may pass.
                if (report.passed()) {
                    assertThat(EvidenceFixtures.entries(damaged)).as("byte %d changed", offset)
                            .usingRecursiveComparison().isEqualTo(original);
                } else {
                    tried++;
                }
            }
        }
        assertThat(tried).isGreaterThan(2000);
    }

    @Test
    void anAddedEntryFailsAsUnlisted() throws Exception {
        TreeMap<String, byte[]> entries = EvidenceFixtures.entries(create());
        entries.put("files/reports/extra.txt", "added later".getBytes(StandardCharsets.UTF_8));

        EvidenceReport report = EvidenceBundle.verify("added.zip", EvidenceZip.write(entries, CREATED), publicKey, IMAGE);

        assertThat(report.failures()).singleElement().satisfies(c -> {
            assertThat(c.subject()).isEqualTo("unlisted entries");
            assertThat(c.detail()).contains("files/reports/extra.txt");
        });
    }

    @Test
    void aManifestSwappedForAnotherBundlesFailsAndTheFilesAreCheckedAgainstTheSignedOne() throws Exception {
        TreeMap<String, byte[]> entries = EvidenceFixtures.entries(create());
        Files.writeString(workspace.resolve("reports/go.sum"), "another build\n");
        TreeMap<String, byte[]> other = EvidenceFixtures.entries(create());
        entries.put("manifest.json", other.get("manifest.json"));
        entries.put("files/reports/go.sum", other.get("files/reports/go.sum"));

        EvidenceReport report = EvidenceBundle.verify("swapped.zip", EvidenceZip.write(entries, CREATED), publicKey, IMAGE);

        assertThat(report.failures()).extracting(EvidenceReport.Check::subject).containsExactly("manifest", "file reports/go.sum");
        assertThat(report.failures().get(0).detail()).contains("differs from the manifest signed");
    }

    @Test
    void aBundleSignedByAnotherKeyFailsItsSignatureCheck() throws Exception {
        byte[] bundle = create();
        VerificationKey stranger = KeyFiles.generate(Files.createDirectories(temp.resolve("stranger")), "cosign", PasswordSource.none())
                .verificationKey();

        EvidenceReport report = EvidenceBundle.verify("evidence.zip", bundle, stranger, IMAGE);

        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).extracting(EvidenceReport.Check::subject).containsExactly("signature");
        assertThat(report.failures().get(0).detail()).contains("no signature verifies with " + stranger);
    }

    @Test
    void aBundleAboutAnotherImageFailsTheImageCheck() throws Exception {
        ImageReference other = IMAGE.withDigest("sha256:" + "ab".repeat(32));

        EvidenceReport report = EvidenceBundle.verify("evidence.zip", create(), publicKey, other);

        assertThat(report.failures()).singleElement().satisfies(c -> {
            assertThat(c.subject()).isEqualTo("image");
            assertThat(c.detail()).contains(IMAGE.digest()).contains(other.digest());
        });
    }

    @Test
    void duplicateAndEscapingEntriesAreRefusedBeforeAnythingIsRead() throws Exception {
        TreeMap<String, byte[]> entries = EvidenceFixtures.entries(create());
        for (String hostile : List.of("files/reports/go.sum", "files/../../../home/user/.bashrc", "/etc/cron.d/x", "files/a\\..\\..\\b")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    zip.putArchiveEntry(new ZipArchiveEntry(entry.getKey()));
                    zip.write(entry.getValue());
                    zip.closeArchiveEntry();
                }
                zip.putArchiveEntry(new ZipArchiveEntry(hostile));
                zip.write("#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII));
                zip.closeArchiveEntry();
            }

            EvidenceReport report = EvidenceBundle.verify("hostile.zip", bytes.toByteArray(), publicKey, IMAGE);

            assertThat(report.checks()).as(hostile).extracting(EvidenceReport.Check::subject).containsExactly("zip", "entries");
            assertThat(report.failures()).singleElement().satisfies(c -> assertThat(c.detail()).contains(hostile));
        }
    }

    @Test
    void aCentralDirectoryThatNamesOtherEntriesThanTheLocalHeadersFails() throws Exception {
        byte[] bundle = create();
        byte[] name = "files/Dockerfile".getBytes(StandardCharsets.US_ASCII);
        int inDirectory = lastIndexOf(bundle, name);
        System.arraycopy("files/Dockerfilf".getBytes(StandardCharsets.US_ASCII), 0, bundle, inDirectory, name.length);

        EvidenceReport report = EvidenceBundle.verify("two-faced.zip", bundle, publicKey, IMAGE);

        assertThat(report.checks()).singleElement().satisfies(c -> {
            assertThat(c.subject()).isEqualTo("zip");
            assertThat(c.detail()).contains("central directory lists").contains("files/Dockerfilf");
        });
    }

    @Test
    void somethingThatIsNotAZipFailsWithoutPassing() {
        EvidenceReport report = EvidenceBundle.verify("notes.txt", "not a zip".getBytes(StandardCharsets.US_ASCII), publicKey, null);

        assertThat(report.passed()).isFalse();
        assertThat(report.summary()).contains("FAILED").contains("notes.txt is not a readable zip file");
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
