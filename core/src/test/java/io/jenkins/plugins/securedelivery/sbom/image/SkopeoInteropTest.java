package io.jenkins.plugins.securedelivery.sbom.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture.Image;
import io.jenkins.plugins.securedelivery.sbom.image.ImageFixture.Layer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same image as skopeo writes it in its other formats reads the same. Needs Debian's {@code skopeo}
 * ({@code apt-get install skopeo}); skipped when it is not on the PATH.
 */
class SkopeoInteropTest {

    @TempDir
    Path temp;

    private static boolean skopeoInstalled() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "skopeo"))) {
                return true;
            }
        }
        return false;
    }

    private void skopeo(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(temp.resolve("skopeo.log").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("skopeo finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(temp.resolve("skopeo.log"))).isZero();
    }

    @Test
    void readsTheDockerArchiveAndOciArchiveSkopeoWritesFromALayoutAsTheLayoutItself() throws Exception {
        assumeTrue(skopeoInstalled(), "skopeo is not installed (apt-get install skopeo): interop test skipped");
        Image image = new Image()
                .layer(new Layer().file("opt/dpkg/status", "Package: a\nVersion: 1\nStatus: install ok installed\n")
                        .dir("var/lib").symlink("var/lib/dpkg", "../../opt/dpkg")
                        .file("usr/share/doc/a/copyright", "old").file("tmp/cache/x", "x"))
                .layer(new Layer().file("usr/share/doc/a/.wh.copyright", "").file("tmp/cache/.wh..wh..opq", "")
                        .file("tmp/cache/y", "y"));
        ImageFixture.Layout layout = ImageFixture.layout(image, "1.0");
        Path oci = layout.writeDirectory(temp.resolve("oci"));
        Path dockerArchive = temp.resolve("docker.tar");
        Path ociArchive = temp.resolve("oci-archive.tar");

        skopeo("copy", "oci:" + oci + ":1.0", "docker-archive:" + dockerArchive + ":example.org/app:1.0");
        skopeo("copy", "oci:" + oci + ":1.0", "oci-archive:" + ociArchive + ":1.0");

        List<String> expected = List.of("opt/dpkg/status", "tmp/cache/y");
        try (ContainerImage fromLayout = ContainerImage.open(oci, ContainerImage.Limits.defaults());
                ContainerImage fromDocker = ContainerImage.open(dockerArchive, ContainerImage.Limits.defaults());
                ContainerImage fromOciArchive = ContainerImage.open(ociArchive, ContainerImage.Limits.defaults())) {
            for (ContainerImage opened : List.of(fromLayout, fromDocker, fromOciArchive)) {
                assertThat(opened.files().files()).containsExactlyElementsOf(expected);
                assertThat(new String(opened.files().read("var/lib/dpkg/status", 1000), StandardCharsets.UTF_8))
                        .startsWith("Package: a");
            }
            assertThat(fromDocker.digestOf()).isEqualTo(ContainerImage.DigestOf.CONFIG);
            assertThat(fromDocker.name()).isEqualTo("example.org/app:1.0");
            assertThat(fromOciArchive.digestOf()).isEqualTo(ContainerImage.DigestOf.MANIFEST);
            assertThat(fromOciArchive.name()).isEqualTo("1.0");
            assertThat(fromLayout.digest()).isEqualTo(layout.manifestDigest());
        }
    }
}
