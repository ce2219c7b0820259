package io.jenkins.plugins.securedelivery.sbom.image;

import java.io.IOException;
import java.nio.file.Path;

/** Image layouts for the tests of other packages. */
public final class ImageLayouts {

    private ImageLayouts() {}

    /** Writes an OCI layout directory of a one-layer image holding one file. */
    public static Path writeSingleFileImage(Path dir, String path, byte[] content) throws IOException {
        return ImageFixture.layout(new ImageFixture.Image().layer(new ImageFixture.Layer().file(path, content)), null)
                .writeDirectory(dir);
    }
}
