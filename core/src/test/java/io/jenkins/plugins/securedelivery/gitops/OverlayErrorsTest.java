package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.SIDECAR;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.digest;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.read;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each overlay a promotion cannot edit gives an error naming the file, the problem and the fix. */
class OverlayErrorsTest {

    @TempDir
    Path repository;

    Path overlays;

    final OverlayEditor release = new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a'))), false);

    @BeforeEach
    void createTree() throws Exception {
        overlays = GitOpsTree.create(repository);
    }

    @Test
    void aMissingOverlayDirectoryIsNamed() {
        Path qa = overlays.resolve("qa");

        OverlayException e = catchThrowableOfType(OverlayException.class, () -> release.apply(qa));

        assertThat(e.getMessage()).isEqualTo(qa + ": is not a directory. Check the environment's name, or give the "
                + "overlay's path (--path) inside the repository");
        assertThatThrownBy(() -> OverlayEditor.current(qa)).isInstanceOf(OverlayException.class);
    }

    @Test
    void anOverlayWithoutKustomizationFileIsRefused() throws Exception {
        Path qa = Files.createDirectories(overlays.resolve("qa"));
        write(qa.resolve("deployment.yaml"), "kind: Deployment\n");

        assertThatThrownBy(() -> release.apply(qa)).isInstanceOf(OverlayException.class)
                .hasMessage(qa + ": has no kustomization file. An overlay needs one of kustomization.yaml, "
                        + "kustomization.yml, Kustomization: add one to it (kustomize create makes one), or name the overlay "
                        + "directory that has one");
    }

    @Test
    void theOtherKustomizationFileNamesAreFoundButNotTwoAtOnce() throws Exception {
        Path dev = overlays.resolve("dev");
        Files.move(dev.resolve("kustomization.yaml"), dev.resolve("Kustomization"));

        assertThat(release.apply(dev)).containsOnlyKeys("Kustomization");

        Files.copy(dev.resolve("Kustomization"), dev.resolve("kustomization.yml"));
        assertThatThrownBy(() -> release.apply(dev)).isInstanceOf(OverlayException.class)
                .hasMessageContaining("has kustomization.yml and Kustomization");
    }

    @Test
    void malformedYamlIsReportedWithFileAndLine() throws Exception {
        Path dev = overlays.resolve("dev");
        write(dev.resolve("kustomization.yaml"), """
                resources:
                  - ../../base
                images:
                  - name: ghcr.io/org/medical-platform
                    newTag: [1.4.0
                """);

        OverlayException e = catchThrowableOfType(OverlayException.class, () -> release.apply(dev));

        assertThat(e.file()).isEqualTo(dev.resolve("kustomization.yaml").toString());
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.getMessage()).startsWith(dev.resolve("kustomization.yaml") + ":6: is not valid YAML (");
    }

    @Test
    void malformedPatchFileIsReportedWithFileAndLine() throws Exception {
        Path prod = overlays.resolve("prod");
        write(prod.resolve("image-tag.yaml"), "spec:\n  template: {\n  spec: x: y\n");

        OverlayException e = catchThrowableOfType(OverlayException.class, () -> release.apply(prod));

        assertThat(e.file()).isEqualTo(prod.resolve("image-tag.yaml").toString());
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void imagesThatIsNotAListIsRefused() throws Exception {
        Path dev = overlays.resolve("dev");
        write(dev.resolve("kustomization.yaml"), "resources:\n- ../../base\nimages:\n  name: " + APP + "\n");

        assertThatThrownBy(() -> release.apply(dev)).isInstanceOf(OverlayException.class)
                .hasMessage(dev.resolve("kustomization.yaml") + ":4: images: is not a list. Write images: as a list "
                        + "of entries with name, newName and digest");
    }

    @Test
    void aDigestThatIsNotADigestIsRefusedBeforeAnyFileIsRead() {
        assertThatThrownBy(() -> ImagePin.parse(APP + "@sha256:1234")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sha256:1234' for image " + APP + " is not a digest");
        assertThatThrownBy(() -> ImagePin.parse(APP + ":1.4.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no @sha256: digest");
    }

    @Test
    void aDigestInTheOverlayThatIsNotADigestIsNamedWithItsLine() throws Exception {
        Path staging = overlays.resolve("staging");
        write(staging.resolve("kustomization.yaml"), read(staging.resolve("kustomization.yaml"))
                .replace(digest('2'), "sha256:latest"));

        OverlayException e = catchThrowableOfType(OverlayException.class, () -> OverlayEditor.current(staging));

        assertThat(e.line()).isEqualTo(9);
        assertThat(e.getMessage()).contains("'sha256:latest' for image " + SIDECAR + " is not a digest");
    }

    @Test
    void anImageListedTwiceInTheOverlayIsRefused() throws Exception {
        Path dev = overlays.resolve("dev");
        write(dev.resolve("kustomization.yaml"), read(dev.resolve("kustomization.yaml"))
                + "  - name: " + APP + "\n    newTag: \"1.5.0\"\n");

        assertThatThrownBy(() -> release.apply(dev)).isInstanceOf(OverlayException.class)
                .hasMessage(dev.resolve("kustomization.yaml") + ":10: image " + APP + " is listed twice in images: "
                        + "(also at line 6). Keep one entry per image; kustomize would apply only one of them");
    }

    @Test
    void anImageGivenTwiceInOnePromotionIsRefused() {
        assertThatThrownBy(() -> new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a')),
                ImagePin.parse(APP + "@" + digest('b'))), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image " + APP + " is given twice: give each image once");
    }

    @Test
    void anImageTheOverlayDoesNotMentionIsNamedWithTheImagesItDoesMention() throws Exception {
        Path dev = overlays.resolve("dev");
        String before = read(dev.resolve("kustomization.yaml"));
        OverlayEditor typo = new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a')),
                ImagePin.parse("ghcr.io/org/medical-platfrom@" + digest('b'))), false);

        assertThatThrownBy(() -> typo.apply(dev)).isInstanceOf(OverlayException.class)
                .hasMessage(dev.resolve("kustomization.yaml") + ": does not mention image ghcr.io/org/medical-platfrom "
                        + "(it mentions " + APP + ", " + SIDECAR + "). Give the image's name as the overlay's resources "
                        + "write it (kustomize images[].name), or use --add-missing (promoteOverlay's addMissing: true) to add it to images:");
        assertThat(read(dev.resolve("kustomization.yaml"))).isEqualTo(before);
    }

    @Test
    void aPatchSharedByEveryOverlayIsNotEditedForOne() throws Exception {
        // Seed 000 keeps image-tag.yaml beside the overlays; editing it would move every environment at once. (kustomize
        // reads a patch outside the overlay only with --load-restrictor LoadRestrictionsNone, as Argo CD can be set to.)
        Path kustomize = overlays.getParent();
        Files.move(overlays.resolve("prod/image-tag.yaml"), kustomize.resolve("image-tag.yaml"));
        Path prod = overlays.resolve("prod");
        write(prod.resolve("kustomization.yaml"), read(prod.resolve("kustomization.yaml"))
                .replace("- image-tag.yaml", "- ../../image-tag.yaml"));

        assertThatThrownBy(() -> release.apply(prod)).isInstanceOf(OverlayException.class)
                .hasMessageStartingWith(kustomize.resolve("image-tag.yaml") + ":11: sets image " + APP
                        + " for every overlay that uses it, not only " + prod);
        // An images: entry pins this overlay alone, and what runs is read from both.
        OverlayEditor adding = new OverlayEditor(List.of(ImagePin.parse(SIDECAR + "@" + digest('b'))), true);
        assertThat(GitOpsTree.applyAndWrite(adding, prod)).containsOnlyKeys("kustomization.yaml");
        assertThat(OverlayEditor.current(prod)).containsExactly(
                new ImagePin(SIDECAR, SIDECAR, digest('b')), new ImagePin(APP, APP, digest('0')));
        assertThat(Kustomize.renderedImages(prod, "--load-restrictor", "LoadRestrictionsNone"))
                .containsExactly(APP + "@" + digest('0'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void aPatchFileTheKustomizationNamesButTheOverlayLacksIsNamed() throws Exception {
        Path prod = overlays.resolve("prod");
        Files.delete(prod.resolve("image-tag.yaml"));

        assertThatThrownBy(() -> OverlayEditor.current(prod)).isInstanceOf(OverlayException.class)
                .hasMessageStartingWith(prod.resolve("kustomization.yaml") + ": names the patch image-tag.yaml, which does not exist");
        // current() throws nothing checked, so it is the reader Promotion.from(env, reader) takes.
        Function<Path, List<ImagePin>> reader = OverlayEditor::current;
        assertThat(reader.apply(overlays.resolve("staging"))).hasSize(2);
    }

    @Test
    void anImagePinnedByTagHasNoDigestToReadBack() throws Exception {
        Path dev = overlays.resolve("dev");

        assertThatThrownBy(() -> OverlayEditor.current(dev)).isInstanceOf(OverlayException.class)
                .hasMessage(dev.resolve("kustomization.yaml") + ":6: image " + APP + " is not pinned by digest "
                        + "(newTag: 1.4.0). Promote it by digest once; from then on its digest can be read back");
    }
}
