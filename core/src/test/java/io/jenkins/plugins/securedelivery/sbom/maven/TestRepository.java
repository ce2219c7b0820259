package io.jenkins.plugins.securedelivery.sbom.maven;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A Maven repository on disk in the default layout, with poms and small jars written by the test. */
final class TestRepository {

    final Path root;

    TestRepository(Path root) {
        this.root = root;
    }

    /** Writes a pom whose body (everything after the coordinates) is given. */
    TestRepository pom(String groupId, String artifactId, String version, String body) throws IOException {
        Path file = dir(groupId, artifactId, version).resolve(artifactId + "-" + version + ".pom");
        Files.writeString(file, project(groupId, artifactId, version, body));
        return this;
    }

    /** Writes a jar with one entry naming it; returns its SHA-256. */
    String jar(String groupId, String artifactId, String version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("META-INF/" + artifactId + ".txt"));
            zip.write((groupId + ":" + artifactId + ":" + version).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Files.write(dir(groupId, artifactId, version).resolve(artifactId + "-" + version + ".jar"), bytes.toByteArray());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A jar library: its pom with the given body and its jar; returns the jar's SHA-256. */
    String library(String groupId, String artifactId, String version, String body) throws IOException {
        pom(groupId, artifactId, version, body);
        return jar(groupId, artifactId, version);
    }

    static String project(String groupId, String artifactId, String version, String body) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <version>%s</version>
                %s
                </project>
                """.formatted(groupId, artifactId, version, body);
    }

    static String dependency(String groupId, String artifactId, String version, String extra) {
        return "<dependency><groupId>" + groupId + "</groupId><artifactId>" + artifactId + "</artifactId>"
                + (version == null ? "" : "<version>" + version + "</version>") + extra + "</dependency>";
    }

    private Path dir(String groupId, String artifactId, String version) throws IOException {
        return Files.createDirectories(root.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version));
    }
}
