package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.MIRROR;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.SIDECAR;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.applyAndWrite;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.digest;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.read;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning a release in each form of overlay, checked by what the real kustomize renders. */
class OverlayEditorTest {

    @TempDir
    Path repository;

    Path overlays;

    final ImagePin app = ImagePin.parse(APP + "=" + MIRROR + "@" + digest('a'));
    final ImagePin sidecar = ImagePin.parse(SIDECAR + "@" + digest('b'));
    final OverlayEditor release = new OverlayEditor(List.of(app, sidecar), false);

    @BeforeEach
    void createTree() throws Exception {
        overlays = GitOpsTree.create(repository);
    }

    @Test
    void pinsEveryImageOfAReleaseInTheImagesListAndKustomizeRendersThemByDigest() throws Exception {
        Path dev = overlays.resolve("dev");

        Map<String, byte[]> changes = applyAndWrite(release, dev);

        assertThat(changes).containsOnlyKeys("kustomization.yaml");
        // The tag's line became the digest's, in its quoting; newName was added because the repository changes.
        assertThat(read(dev.resolve("kustomization.yaml"))).isEqualTo("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../base
                images:
                  - name: ghcr.io/org/medical-platform
                    newName: registry.example.com/org/medical-platform
                    digest: "%s"
                  - name: ghcr.io/org/audit-sidecar
                    digest: "%s"
                """.formatted(digest('a'), digest('b')));
        assertThat(Kustomize.renderedImages(dev)).containsExactly(MIRROR + "@" + digest('a'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void replacesOnlyTheDigestsOfAnOverlayAlreadyPinnedByDigest() throws Exception {
        Path staging = overlays.resolve("staging");
        String before = read(staging.resolve("kustomization.yaml"));

        applyAndWrite(release, staging);

        assertThat(read(staging.resolve("kustomization.yaml")))
                .isEqualTo(before.replace(digest('1'), digest('a')).replace(digest('2'), digest('b')));
        assertThat(Kustomize.renderedImages(staging)).containsExactly(MIRROR + "@" + digest('a'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void promotingWhatTheOverlayAlreadyRunsChangesNothing() throws Exception {
        for (String env : List.of("dev", "staging", "prod")) {
            applyAndWrite(release, overlays.resolve(env));

            assertThat(release.apply(overlays.resolve(env))).as(env).isEmpty();
        }
    }

    @Test
    void pinsTheImagesOfAPatchFileAsSeed000sImageTagYaml() throws Exception {
        Path prod = overlays.resolve("prod");

        Map<String, byte[]> changes = applyAndWrite(release, prod);

        assertThat(changes).containsOnlyKeys("image-tag.yaml");
        assertThat(read(prod.resolve("image-tag.yaml"))).isEqualTo("""
                # Auto-patched by CI: the release running in prod.
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: medical-platform
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: registry.example.com/org/medical-platform@%s   # release 1.3.0
                        - name: audit
                          image: 'ghcr.io/org/audit-sidecar@%s'
                """.formatted(digest('a'), digest('b')));
        assertThat(Kustomize.renderedImages(prod)).containsExactly(MIRROR + "@" + digest('a'), SIDECAR + "@" + digest('b'));
        // The next promotion finds the image by its new repository.
        ImagePin next = ImagePin.parse(APP + "=" + MIRROR + "@" + digest('c'));
        applyAndWrite(new OverlayEditor(List.of(next), false), prod);
        assertThat(Kustomize.renderedImages(prod)).containsExactly(MIRROR + "@" + digest('c'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void namesChangedFilesRelativeToTheOverlayHoweverItsPathIsWritten() throws Exception {
        Path relative = Path.of("").toAbsolutePath().relativize(overlays.resolve("dev/../prod"));

        assertThat(release.apply(relative)).containsOnlyKeys("image-tag.yaml");
    }

    @Test
    void editsBothFormsWhenAnOverlayHasBoth() throws Exception {
        Path prod = overlays.resolve("prod");
        write(prod.resolve("kustomization.yaml"), read(prod.resolve("kustomization.yaml")) + """
                images:
                  - name: ghcr.io/org/medical-platform
                    newTag: 1.3.0
                """);

        Map<String, byte[]> changes = applyAndWrite(release, prod);

        assertThat(changes).containsOnlyKeys("image-tag.yaml", "kustomization.yaml");
        assertThat(read(prod.resolve("kustomization.yaml"))).endsWith("""
                images:
                  - name: ghcr.io/org/medical-platform
                    newName: registry.example.com/org/medical-platform
                    digest: %s
                """.formatted(digest('a')));
        assertThat(Kustomize.renderedImages(prod)).containsExactly(MIRROR + "@" + digest('a'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void removesTheTagOfAnEntryThatHasBothTagAndDigestBecauseKustomizeWouldRenderBoth() throws Exception {
        Path dev = overlays.resolve("dev");
        write(dev.resolve("kustomization.yaml"), """
                resources: [../../base]
                images:
                  - newTag: "1.4.0"
                    name: ghcr.io/org/medical-platform
                    digest: %s
                  - name: ghcr.io/org/audit-sidecar
                    digest: %s
                    newTag: 0.9.1 # the tag CI built
                """.formatted(digest('1'), digest('2')));

        applyAndWrite(release, dev);

        assertThat(read(dev.resolve("kustomization.yaml"))).isEqualTo("""
                resources: [../../base]
                images:
                  - name: ghcr.io/org/medical-platform
                    newName: registry.example.com/org/medical-platform
                    digest: %s
                  - name: ghcr.io/org/audit-sidecar
                    digest: %s
                """.formatted(digest('a'), digest('b')));
        assertThat(Kustomize.renderedImages(dev)).containsExactly(MIRROR + "@" + digest('a'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void rendersWhatKustomizeEditSetImageRendersWhileKeepingTheFileAsItWasWritten() throws Exception {
        for (String env : List.of("dev", "staging", "prod")) {
            Path ours = overlays.resolve(env);
            Path theirs = overlays.resolve(env + "-kustomize-edit");
            try (Stream<Path> files = Files.list(ours)) {
                for (Path file : files.toList()) {
                    write(theirs.resolve(file.getFileName()), read(file));
                }
            }

            applyAndWrite(release, ours);
            Kustomize.editSetImage(theirs, app);
            Kustomize.editSetImage(theirs, sidecar);

            assertThat(Kustomize.build(ours)).as(env).isEqualTo(Kustomize.build(theirs));
        }
        // kustomize edit re-serialises the file (sorted keys, its own indentation) and pins prod with a new images:
        // entry over the patch; we changed only the values.
        assertThat(read(overlays.resolve("staging-kustomize-edit/kustomization.yaml")))
                .isNotEqualTo(read(overlays.resolve("staging/kustomization.yaml")));
    }

    @Test
    void doesNotWriteNewNameWhenTheRepositoryStaysTheSame() throws Exception {
        Path dev = overlays.resolve("dev");

        applyAndWrite(new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a'))), false), dev);

        assertThat(read(dev.resolve("kustomization.yaml"))).contains("""
                  - name: ghcr.io/org/medical-platform
                    digest: "%s"
                  - name: ghcr.io/org/audit-sidecar
                    newTag: "0.9.1"
                """.formatted(digest('a')));
        assertThat(Kustomize.renderedImages(dev)).containsExactly(APP + "@" + digest('a'), SIDECAR + ":0.9.1");
    }

    @Test
    void readsWhatEachOverlayRunsNow() throws Exception {
        assertThat(OverlayEditor.current(overlays.resolve("staging"))).containsExactly(
                new ImagePin(APP, MIRROR, digest('1')), new ImagePin(SIDECAR, SIDECAR, digest('2')));

        applyAndWrite(release, overlays.resolve("prod"));
        assertThat(OverlayEditor.current(overlays.resolve("prod"))).containsExactly(
                new ImagePin(MIRROR, MIRROR, digest('a')), new ImagePin(SIDECAR, SIDECAR, digest('b')));
    }

    @Test
    void whatOneOverlayRunsCanBePromotedToAnother() throws Exception {
        List<ImagePin> staging = OverlayEditor.current(overlays.resolve("staging"));

        applyAndWrite(new OverlayEditor(staging, false), overlays.resolve("dev"));

        assertThat(Kustomize.renderedImages(overlays.resolve("dev")))
                .isEqualTo(Kustomize.renderedImages(overlays.resolve("staging")));
    }

    @Test
    void addsAnImageTheOverlayDoesNotMentionWhenAskedTo() throws Exception {
        Path prod = overlays.resolve("prod");
        ImagePin base = ImagePin.parse(SIDECAR + "@" + digest('b'));
        write(prod.resolve("image-tag.yaml"), read(prod.resolve("image-tag.yaml")).replace("""
                        - name: audit
                          image: 'ghcr.io/org/audit-sidecar:0.9.0'
                """, ""));

        Map<String, byte[]> changes = applyAndWrite(new OverlayEditor(List.of(base), true), prod);

        assertThat(changes).containsOnlyKeys("kustomization.yaml");
        assertThat(read(prod.resolve("kustomization.yaml"))).endsWith("""
                patchesStrategicMerge:
                  - image-tag.yaml
                images:
                  - name: ghcr.io/org/audit-sidecar
                    digest: %s
                """.formatted(digest('b')));
        assertThat(Kustomize.renderedImages(prod)).containsExactly(APP + "@" + digest('0'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void addsMissingImagesToAnExistingListInItsStyle() throws Exception {
        Path dev = overlays.resolve("dev");
        write(dev.resolve("kustomization.yaml"), """
                resources: [../../base]
                images: [{name: ghcr.io/org/medical-platform, newTag: "1.4.0"}]
                """);
        Path staging = overlays.resolve("staging");
        write(staging.resolve("kustomization.yaml"), """
                resources: [../../base]
                images:
                - name: ghcr.io/org/medical-platform
                  newTag: "1.4.0"
                # sidecars are pinned below
                """);
        OverlayEditor adding = new OverlayEditor(List.of(sidecar, ImagePin.parse("ghcr.io/org/unused@" + digest('c'))), true);

        applyAndWrite(adding, dev);
        applyAndWrite(adding, staging);

        assertThat(read(dev.resolve("kustomization.yaml"))).isEqualTo("""
                resources: [../../base]
                images: [{name: ghcr.io/org/medical-platform, newTag: "1.4.0"}, {name: ghcr.io/org/audit-sidecar, \
                digest: "%s"}, {name: ghcr.io/org/unused, digest: "%s"}]
                """.formatted(digest('b'), digest('c')));
        assertThat(read(staging.resolve("kustomization.yaml"))).isEqualTo("""
                resources: [../../base]
                images:
                - name: ghcr.io/org/medical-platform
                  newTag: "1.4.0"
                - name: ghcr.io/org/audit-sidecar
                  digest: %s
                - name: ghcr.io/org/unused
                  digest: %s
                # sidecars are pinned below
                """.formatted(digest('b'), digest('c')));
        for (Path overlay : List.of(dev, staging)) {
            assertThat(Kustomize.renderedImages(overlay)).containsExactly(APP + ":1.4.0", SIDECAR + "@" + digest('b'));
        }
    }
}
