package io.jenkins.plugins.securedelivery.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One image per commit: the same files give the same digest, whenever and wherever they are built. */
class ImageFromFilesTest {

    @TempDir
    Path temp;

    @Test
    void theSameFilesGiveTheSameDigestWhateverTheirTimestamps() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Path file = Files.writeString(app.resolve("main.go"), "package main\n");
        String first = new ImageFromFiles(app).build().digest();
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));

        String second = new ImageFromFiles(app).build().digest();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void otherContentOrAnotherEntrypointIsAnotherImage() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Files.writeString(app.resolve("main.go"), "package main\n");
        String original = new ImageFromFiles(app).build().digest();
        String otherEntrypoint = new ImageFromFiles(app).entrypoint(java.util.List.of("/app/gateway")).build().digest();
        Files.writeString(app.resolve("main.go"), "package main // 1.4.1\n");

        assertThat(new ImageFromFiles(app).build().digest()).isNotEqualTo(original);
        assertThat(otherEntrypoint).isNotEqualTo(original);
    }

    @Test
    void pushingStoresExactlyTheBuiltManifestUnderTheTag() throws Exception {
        OciLayoutStore store = new OciLayoutStore(temp.resolve("layout"));
        ImageReference tag = ImageReference.parse("localhost/app:1.0");
        ImageFromFiles image = new ImageFromFiles(Path.of("../demo/sample-app").toAbsolutePath().normalize());

        Descriptor pushed = image.push(store, tag);

        assertThat(pushed.digest()).isEqualTo(image.build().digest());
        assertThat(store.resolve(tag).digest()).isEqualTo(pushed.digest());
        assertThat(store.manifest(tag).orElseThrow().bytes()).isEqualTo(image.build().manifest());
    }
}
