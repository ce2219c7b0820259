package io.jenkins.plugins.securedelivery.sbom.image;

import static io.jenkins.plugins.securedelivery.sbom.image.ImageFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture.Image;
import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture.Layer;
import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture.Layout;
import io.jenkins.plugins.securedelivery.sbom.os.DpkgScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerImageTest {

    @TempDir
    Path temp;

    private static final ContainerImage.Limits LIMITS = ContainerImage.Limits.defaults();

    /** Three layers: a base, a layer deleting a file and making a directory opaque, and one re-adding a file. */
    static Image threeLayers() throws IOException {
        return new Image()
                .layer(new Layer().dir("etc").file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
                        .dir("app").file("app/old.txt", "old").file("app/keep.txt", "keep")
                        .dir("cache").file("cache/a", "a").dir("cache/b").file("cache/b/c", "c")
                        .dir("gone").file("gone/x", "x"))
                .layer(new Layer().file("app/.wh.old.txt", "").file("cache/.wh..wh..opq", "")
                        .file("cache/new", "new").file(".wh.gone", "").file("etc/os-release", "ID=debian\nVERSION_ID=12\n"))
                .layer(new Layer().dir("gone").file("gone/back", "back"));
    }

    @Test
    void mergesLayersLowestFirstWithWhiteoutsAndOpaqueDirectories() throws IOException {
        Layout layout = ImageFixture.layout(threeLayers(), "1.0");
        Path dir = layout.writeDirectory(temp.resolve("oci"));

        assertThat(ContainerImage.isImage(dir)).isTrue();
        try (ContainerImage image = ContainerImage.open(dir, LIMITS)) {
            assertThat(image.files().files()).containsExactly(
                    "app/keep.txt", "cache/new", "etc/os-release", "gone/back");
            assertThat(image.files().read("etc/os-release", 100)).asString().isEqualTo("ID=debian\nVERSION_ID=12\n");
            assertThat(image.digest()).isEqualTo(layout.manifestDigest());
            assertThat(image.digestOf()).isEqualTo(ContainerImage.DigestOf.MANIFEST);
            assertThat(image.name()).isEqualTo("1.0");
            assertThat(image.platform()).contains("linux/amd64");
            assertThat(image.files().describe()).contains(layout.manifestDigest());
        }
    }

    @Test
    void readsAnOciArchiveTarPlainAndGzipped() throws IOException {
        Layout layout = ImageFixture.layout(threeLayers(), "1.0");
        for (boolean gzip : new boolean[] {false, true}) {
            Path tar = layout.writeTar(temp.resolve("image-" + gzip + ".tar"), gzip);
            assertThat(ContainerImage.isImage(tar)).isTrue();
            try (ContainerImage image = ContainerImage.open(tar, LIMITS)) {
                assertThat(image.files().files()).containsExactly(
                        "app/keep.txt", "cache/new", "etc/os-release", "gone/back");
                assertThat(image.digest()).isEqualTo(layout.manifestDigest());
            }
        }
    }

    @Test
    void readsADockerSaveTarAndSaysItsDigestIsTheConfigDigest() throws IOException {
        Image source = threeLayers();
        Path tar = ImageFixture.dockerSave(source, "registry.example/app:1.0", temp.resolve("saved.tar"));

        assertThat(ContainerImage.isImage(tar)).isTrue();
        try (ContainerImage image = ContainerImage.open(tar, LIMITS)) {
            assertThat(image.files().files()).containsExactly(
                    "app/keep.txt", "cache/new", "etc/os-release", "gone/back");
            assertThat(image.digest()).isEqualTo(sha256(source.config()));
            assertThat(image.digestOf()).isEqualTo(ContainerImage.DigestOf.CONFIG);
            assertThat(image.name()).isEqualTo("registry.example/app:1.0");
        }
    }

    @Test
    void readsIdenticalLayersThatAnOldDockerSaveLinkedToOneAnother() throws IOException {
        byte[] base = new Layer().file("x", "1").tar();
        byte[] deleting = new Layer().file(".wh.x", "").file("y", "2").tar();
        byte[] config = ImageFixture.JSON.writeValueAsBytes(ImageFixture.JSON.createObjectNode()
                .put("os", "linux").put("architecture", "amd64")
                .set("rootfs", ImageFixture.JSON.createObjectNode().put("type", "layers").set("diff_ids",
                        ImageFixture.JSON.createArrayNode().add(sha256(base)).add(sha256(deleting)).add(sha256(base)))));
        String configName = sha256(config).substring(7) + ".json";
        String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"app:1\"],"
                + "\"Layers\":[\"a/layer.tar\",\"b/layer.tar\",\"c/layer.tar\"]}]";
        byte[] tar = new Layer().file("a/layer.tar", base).file("b/layer.tar", deleting)
                .symlink("c/layer.tar", "../a/layer.tar").file(configName, config).file("manifest.json", manifest).tar();
        Path saved = Files.write(temp.resolve("saved.tar"), tar);

        try (ContainerImage image = ContainerImage.open(saved, LIMITS)) {
            assertThat(image.files().files()).containsExactly("x", "y");
            assertThat(image.digest()).isEqualTo(sha256(config));
        }
    }

    @Test
    void failsWhenADockerSaveLayerDoesNotMatchItsDiffId() throws IOException {
        Image source = threeLayers();
        byte[] config = source.config();
        source.tars.set(1, new Layer().file("evil", "x").tar());
        String configName = sha256(config).substring(7) + ".json";
        String manifest = "[{\"Config\":\"" + configName + "\",\"Layers\":[\"1.tar\",\"2.tar\",\"3.tar\"]}]";
        byte[] tar = new Layer().file("1.tar", source.tars.get(0)).file("2.tar", source.tars.get(1))
                .file("3.tar", source.tars.get(2)).file(configName, config).file("manifest.json", manifest).tar();
        Path saved = Files.write(temp.resolve("saved.tar"), tar);

        assertThatThrownBy(() -> ContainerImage.open(saved, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("2.tar (uncompressed)")
                .hasMessageContaining("does not match its digest");
    }

    @Test
    void failsWhenTheManifestDoesNotMatchItsDigest() throws IOException {
        Layout layout = ImageFixture.layout(threeLayers(), null);
        Path dir = layout.writeDirectory(temp.resolve("oci"));
        Path manifest = dir.resolve("blobs/sha256/" + layout.manifestDigest().substring(7));
        Files.writeString(manifest, Files.readString(manifest).replace("\"schemaVersion\":2", "\"schemaVersion\": 2"));

        assertThatThrownBy(() -> ContainerImage.open(dir, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining(layout.manifestDigest().substring(7))
                .hasMessageContaining("tampered");
    }

    @Test
    void skipsAttestationManifestsSoASinglePlatformImageNeedsNoPlatformNamed() throws IOException {
        Image arm64 = new Image().layer(new Layer().file("arch", "arm64"));
        arm64.architecture = "arm64";
        Image attestation = new Image().layer(new Layer().file("sbom.json", "{}"));
        attestation.os = "unknown";
        attestation.architecture = "unknown";
        Path dir = ImageFixture.multiPlatform(List.of(attestation, arm64)).writeDirectory(temp.resolve("oci"));

        try (ContainerImage image = ContainerImage.open(dir, LIMITS)) {
            assertThat(image.files().files()).as("the only image, though not linux/amd64").containsExactly("arch");
            assertThat(image.platform()).contains("linux/arm64");
        }
    }

    @Test
    void refusesADockerSaveTarOfSeveralImagesNamingThem() throws IOException {
        String manifest = "[{\"Config\":\"a.json\",\"RepoTags\":[\"app:1\"],\"Layers\":[]},"
                + "{\"Config\":\"b.json\",\"RepoTags\":[\"db:2\"],\"Layers\":[]}]";
        Path saved = Files.write(temp.resolve("two.tar"), new Layer().file("manifest.json", manifest).tar());

        assertThatThrownBy(() -> ContainerImage.open(saved, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("manifest.json: holds 2 images: app:1, db:2");
    }

    @Test
    void isImageSaysNoToSourceTreesArchivesAndOtherFiles() throws IOException {
        Files.writeString(temp.resolve("pom.xml"), "<project/>");
        Path tar = temp.resolve("sources.tar");
        new Layout(Map.of("src/Main.java", "class Main {}".getBytes(StandardCharsets.UTF_8)), null).writeTar(tar, true);

        assertThat(ContainerImage.isImage(temp)).isFalse();
        assertThat(ContainerImage.isImage(temp.resolve("pom.xml"))).isFalse();
        assertThat(ContainerImage.isImage(tar)).isFalse();
        assertThat(ContainerImage.isImage(temp.resolve("missing"))).isFalse();
    }

    @Test
    void followsLinksWithinTheImageRootOnly() throws IOException {
        Image image = new Image().layer(new Layer()
                .file("opt/dpkg/status", "Package: a\n").dir("var/lib")
                .symlink("var/lib/dpkg", "../../opt/dpkg")
                .file("etc/hostname", "image-host")
                .symlink("usr/abs", "/etc/hostname")
                .symlink("usr/escape", "../../../../../etc/hostname")
                .symlink("usr/loop", "loop")
                .hardLink("usr/hard", "etc/hostname"));
        Path dir = ImageFixture.layout(image, null).writeDirectory(temp.resolve("oci"));

        try (ContainerImage opened = ContainerImage.open(dir, LIMITS)) {
            assertThat(opened.files().read("usr/abs", 100)).asString().isEqualTo("image-host");
            assertThat(opened.files().read("usr/hard", 100)).asString().isEqualTo("image-host");
            assertThat(opened.files().read("var/lib/dpkg/status", 100)).asString().isEqualTo("Package: a\n");
            assertThatThrownBy(() -> opened.files().open("usr/escape"))
                    .isInstanceOf(SbomInputException.class).hasMessageContaining("no such file");
            assertThatThrownBy(() -> opened.files().open("usr/loop"))
                    .isInstanceOf(SbomInputException.class).hasMessageContaining("no such file");
            assertThat(opened.files().files()).doesNotContain("usr/escape", "usr/loop");
        }
    }

    @Test
    void listsAndHoldsADpkgDatabaseReachedThroughASymlinkedDirectory() throws IOException {
        Image image = new Image()
                .layer(new Layer().file("opt/dpkg/status", "Package: a\n").file("opt/other", "not held"))
                .layer(new Layer().dir("var/lib").symlink("var/lib/dpkg", "/opt/dpkg"));
        Layout layout = ImageFixture.layout(image, null);
        List<Path> forms = List.of(layout.writeDirectory(temp.resolve("oci")),
                layout.writeTar(temp.resolve("oci.tar.gz"), true));

        for (Path form : forms) {
            try (ContainerImage opened = ContainerImage.open(form, LIMITS, null,
                    ContainerImage.heldFor(List.of(new DpkgScanner())))) {
                assertThat(opened.files().files()).containsExactly("opt/dpkg/status", "opt/other", "var/lib/dpkg/status");
                assertThat(opened.files().read("var/lib/dpkg/status", 100)).asString().isEqualTo("Package: a\n");
                assertThatThrownBy(() -> opened.files().open("opt/other"))
                        .isInstanceOf(SbomInputException.class).hasMessageContaining("not held");
            }
        }
    }

    @Test
    void holdsAWantedHardLinkToAFileNotWantedUnderItsOwnName() throws IOException {
        Image image = new Image()
                .layer(new Layer().file("opt/store/blob", "Package: a\n"))
                .layer(new Layer().hardLink("var/lib/dpkg/status", "opt/store/blob"));
        Path tar = ImageFixture.layout(image, null).writeTar(temp.resolve("oci.tar"), false);

        try (ContainerImage opened = ContainerImage.open(tar, LIMITS, null,
                ContainerImage.heldFor(List.of(new DpkgScanner())))) {
            assertThat(opened.files().read("var/lib/dpkg/status", 100)).asString().isEqualTo("Package: a\n");
        }
    }

    @Test
    void refusesALayerEntryThatClimbsOutOfTheRoot() throws IOException {
        Path dir = ImageFixture.layout(new Image().layer(new Layer().file("../../etc/cron.d/evil", "x")), null)
                .writeDirectory(temp.resolve("oci"));

        assertThatThrownBy(() -> ContainerImage.open(dir, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("layer 1")
                .hasMessageContaining("../../etc/cron.d/evil")
                .hasMessageContaining("climbs out");
    }

    @Test
    void refusesAnAbsoluteLayerEntry() throws IOException {
        Path dir = ImageFixture.layout(new Image().layer(new Layer().file("/etc/passwd", "x")), null)
                .writeDirectory(temp.resolve("oci"));

        assertThatThrownBy(() -> ContainerImage.open(dir, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("absolute entry name /etc/passwd");
    }

    @Test
    void failsWhenALayerDoesNotMatchItsDigest() throws IOException {
        Layout layout = ImageFixture.layout(threeLayers(), null);
        Path dir = layout.writeDirectory(temp.resolve("oci"));
        JsonManifest manifest = JsonManifest.of(dir, layout.manifestDigest());
        String layerDigest = manifest.layerDigest(1);
        Path blob = dir.resolve("blobs/sha256/" + layerDigest.substring(7));
        Image tampered = new Image().layer(new Layer().file("app/old.txt", "tampered"));
        Files.write(blob, tampered.blobs().get(0));

        assertThatThrownBy(() -> ContainerImage.open(dir, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining(blob.getFileName().toString())
                .hasMessageContaining("does not match its digest: expected " + layerDigest);
    }

    @Test
    void stopsAGzipBombWithAnErrorNamingTheLayer() throws IOException {
        byte[] zeros = new byte[20 << 20];
        Image bomb = new Image().layer(new Layer().file("a", "a")).layer(new Layer().file("zeros", zeros));
        Layout layout = ImageFixture.layout(bomb, null);
        Path dir = layout.writeDirectory(temp.resolve("oci"));
        long stored = Files.size(dir.resolve("blobs/sha256/"
                + JsonManifest.of(dir, layout.manifestDigest()).layerDigest(1).substring(7)));

        assertThat(stored).isLessThan(64 * 1024);
        assertThatThrownBy(() -> ContainerImage.open(dir, new ContainerImage.Limits(1000, 1 << 20, 1 << 20, 1 << 20)))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("layer 2")
                .hasMessageContaining("past 1048576 uncompressed bytes");
    }

    @Test
    void stopsAtTooManyEntries() throws IOException {
        Layer many = new Layer();
        for (int i = 0; i < 50; i++) {
            many.file("f" + i, "x");
        }
        Path dir = ImageFixture.layout(new Image().layer(many), null).writeDirectory(temp.resolve("oci"));

        assertThatThrownBy(() -> ContainerImage.open(dir, new ContainerImage.Limits(10, 1 << 30, 1 << 20, 1 << 20)))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("layer 1")
                .hasMessageContaining("past 10 entries");
    }

    @Test
    void failsOnATruncatedLayerTar() throws IOException {
        byte[] whole = new Layer().file("big", new byte[10_000]).file("after", "x").tar();
        Image image = new Image().layerTar(Arrays.copyOf(whole, 5_000));
        image.gzipLayers = false;
        Path dir = ImageFixture.layout(image, null).writeDirectory(temp.resolve("oci"));

        assertThatThrownBy(() -> ContainerImage.open(dir, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("layer 1")
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesZstdLayersNamingTheLayer() throws IOException {
        byte[] zstdMagic = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0};
        Image image = new Image().layerTar(zstdMagic);
        image.gzipLayers = false;
        Path dir = ImageFixture.layout(image, null).writeDirectory(temp.resolve("oci"));

        assertThatThrownBy(() -> ContainerImage.open(dir, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("layer 1 (sha256:")
                .hasMessageContaining("zstd");
    }

    @Test
    void picksLinuxAmd64FromAMultiPlatformIndexUnlessToldOtherwise() throws IOException {
        Image amd64 = new Image().layer(new Layer().file("arch", "amd64"));
        Image arm64 = new Image().layer(new Layer().file("arch", "arm64"));
        arm64.architecture = "arm64";
        Path dir = ImageFixture.multiPlatform(List.of(arm64, amd64)).writeDirectory(temp.resolve("oci"));

        try (ContainerImage image = ContainerImage.open(dir, LIMITS)) {
            assertThat(image.files().read("arch", 10)).asString().isEqualTo("amd64");
            assertThat(image.platform()).contains("linux/amd64");
        }
        try (ContainerImage image = ContainerImage.open(dir, LIMITS, "linux/arm64", path -> true)) {
            assertThat(image.files().read("arch", 10)).asString().isEqualTo("arm64");
        }
    }

    @Test
    void failsListingThePlatformsWhenNoneIsTheOneAskedFor() throws IOException {
        Image arm64 = new Image().layer(new Layer().file("arch", "arm64"));
        arm64.architecture = "arm64";
        Image armV7 = new Image().layer(new Layer().file("arch", "arm"));
        armV7.architecture = "arm/v7";
        Path dir = ImageFixture.multiPlatform(List.of(arm64, armV7)).writeDirectory(temp.resolve("oci"));

        assertThatThrownBy(() -> ContainerImage.open(dir, LIMITS))
                .isInstanceOf(SbomInputException.class)
                .hasMessageContaining("index.json")
                .hasMessageContaining("no image for platform linux/amd64")
                .hasMessageContaining("linux/arm64 sha256:")
                .hasMessageContaining("linux/arm/v7 sha256:")
                .hasMessageContaining("Name the platform");
    }

    @Test
    void holdsLargeWantedFilesOnlyUpToTheSingleFileLimit() throws IOException {
        Path dir = ImageFixture.layout(new Image().layer(new Layer().file("big.jar", new byte[4096])
                .file("small.jar", new byte[10])), null).writeDirectory(temp.resolve("oci"));

        try (ContainerImage image = ContainerImage.open(dir, new ContainerImage.Limits(100, 1 << 20, 1024, 1 << 20))) {
            assertThat(image.files().files()).containsExactly("big.jar", "small.jar");
            assertThat(image.files().read("small.jar", 100)).hasSize(10);
            assertThatThrownBy(() -> image.files().open("big.jar"))
                    .isInstanceOf(SbomInputException.class).hasMessageStartingWith("big.jar: the file is 4096 bytes");
        }
    }

    @Test
    void stopsHoldingWantedFilesPastTheHeldBytesLimitAndSaysSoWhenOneIsOpened() throws IOException {
        Path dir = ImageFixture.layout(new Image().layer(new Layer().file("a.jar", new byte[600])
                .file("b.jar", new byte[600])), null).writeDirectory(temp.resolve("oci"));

        try (ContainerImage image = ContainerImage.open(dir, new ContainerImage.Limits(100, 1 << 20, 1024, 1000))) {
            assertThat(image.files().files()).containsExactly("a.jar", "b.jar");
            assertThat(image.files().read("a.jar", 1000)).hasSize(600);
            assertThatThrownBy(() -> image.files().open("b.jar"))
                    .isInstanceOf(SbomInputException.class).hasMessageContaining("more than the 1000 bytes");
        }
    }

    /** Reads the written manifest back, to find a layer's blob. */
    record JsonManifest(com.fasterxml.jackson.databind.JsonNode json) {
        static JsonManifest of(Path dir, String digest) throws IOException {
            return new JsonManifest(ImageFixture.JSON.readTree(dir.resolve("blobs/sha256/" + digest.substring(7)).toFile()));
        }

        String layerDigest(int index) {
            return json.path("layers").get(index).path("digest").asText();
        }
    }
}
