package io.jenkins.plugins.securedelivery.evidence;

import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * A release's evidence as a workspace holds it: the sample application's real files (demo/sample-app), a gate
 * verdict and an approval record, and cosign's own key (the signing fixtures' cosign-generated-empty-password.key).
 */
final class EvidenceFixtures {

    static final ImageReference IMAGE = ImageReference.parse(
            "registry.example.com/team/app@sha256:4c1c50d0e2bd8c4ab0b7a4bb2ed5b8d2b4f3fa1e8bf7fd0b21e6a7b91c5c1a0e");
    static final String COMMIT = "4f1b2c3d4e5f60718293a4b5c6d7e8f901234567";
    static final Instant CREATED = Instant.parse("2026-11-24T01:02:03Z");

    private EvidenceFixtures() {}

    /** Lays the workspace out under {@code workspace}: reports/, sbom/, gates/, approvals/. */
    static Path workspace(Path workspace) throws IOException {
        Path app = sampleApp();
        Files.createDirectories(workspace.resolve("reports"));
        Files.createDirectories(workspace.resolve("gates"));
        Files.createDirectories(workspace.resolve("approvals"));
        Files.copy(app.resolve("go.sum"), workspace.resolve("reports/go.sum"));
        Files.copy(app.resolve("web/package-lock.json"), workspace.resolve("reports/package-lock.json"));
        Files.copy(app.resolve("Dockerfile"), workspace.resolve("Dockerfile"));
        Files.writeString(workspace.resolve("gates/coverage.json"),
                "{\"gate\":\"coverage\",\"outcome\":\"PASSED\",\"value\":0.83,\"threshold\":0.8,\"file\":\"reports/jacoco.xml\"}\n");
        Files.writeString(workspace.resolve("approvals/cab.json"),
                "{\"environment\":\"prod\",\"approvers\":[\"alice\",\"bob\"],\"decision\":\"approved\"}\n");
        return workspace;
    }

    static EvidenceBundle.Request request(Path workspace) {
        return new EvidenceBundle.Request(IMAGE, "https://git.example.com/team/app.git", COMMIT,
                "https://jenkins.example.com/job/app/42/", CREATED,
                List.of(EvidenceFile.of(workspace, workspace.resolve("reports/go.sum")),
                        EvidenceFile.of(workspace, workspace.resolve("reports/package-lock.json")),
                        EvidenceFile.of(workspace, workspace.resolve("Dockerfile"))),
                List.of(new EvidenceFile("gates/coverage.json", workspace.resolve("gates/coverage.json"))),
                List.of(new EvidenceFile("approvals/cab.json", workspace.resolve("approvals/cab.json"))));
    }

    static SigningKey cosignKey() {
        return KeyFiles.readSigningKey(resource("/io/jenkins/plugins/securedelivery/signing/cosign-generated-empty-password.key"),
                PasswordSource.none());
    }

    static Path resource(String name) {
        try {
            return Path.of(EvidenceFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    static Path sampleApp() {
        Path app = Path.of("..", "demo", "sample-app").toAbsolutePath().normalize();
        return Files.isDirectory(app) ? app : Path.of("demo", "sample-app").toAbsolutePath();
    }

    /** A bundle's entries, name to content, in stored order. */
    static TreeMap<String, byte[]> entries(byte[] bundle) throws IOException {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(bundle)).get()) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return entries;
    }
}
