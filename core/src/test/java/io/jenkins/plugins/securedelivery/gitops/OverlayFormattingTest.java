package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.MIRROR;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.SIDECAR;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.applyAndWrite;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsTree.digest;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An edit changes the pinned values and nothing else: the file a person wrote stays theirs, byte for byte. */
class OverlayFormattingTest {

    @TempDir
    Path repository;

    /** Comments (one with a character outside the BMP), flow lists, both quote styles, blank lines, CRLF. */
    private static final String WRITTEN_BY_HAND = String.join("\r\n",
            "# Staging: promoted from dev after the smoke tests \uD83D\uDE80",
            "apiVersion: kustomize.config.k8s.io/v1beta1",
            "kind: Kustomization",
            "",
            "resources: [ ../../base ]   # the common Deployment",
            "",
            "images:",
            "  # the application \u2014 built once, promoted by digest",
            "  - name: \"ghcr.io/org/medical-platform\"",
            "    newName: 'registry.example.com/org/old-mirror'  # moved registries in 2025",
            "    newTag: 'v1.4.0'",
            "",
            "  - {name: ghcr.io/org/audit-sidecar, digest: \"" + digest('2') + "\"}   # flow style",
            "commonLabels:",
            "  team: \"platform\"",
            "");

    @Test
    void keepsCommentsFlowListsQuotesBlankLinesAndCrlfAndChangesOnlyTheValues() throws Exception {
        Path staging = GitOpsTree.create(repository).resolve("staging");
        Files.writeString(staging.resolve("kustomization.yaml"), WRITTEN_BY_HAND, StandardCharsets.UTF_8);
        OverlayEditor release = new OverlayEditor(List.of(
                ImagePin.parse(APP + "=" + MIRROR + "@" + digest('a')),
                ImagePin.parse(SIDECAR + "@" + digest('b')),
                ImagePin.parse("ghcr.io/org/migrations@" + digest('c'))), true);

        applyAndWrite(release, staging);

        assertThat(Files.readString(staging.resolve("kustomization.yaml"), StandardCharsets.UTF_8)).isEqualTo(String.join("\r\n",
                "# Staging: promoted from dev after the smoke tests \uD83D\uDE80",
                "apiVersion: kustomize.config.k8s.io/v1beta1",
                "kind: Kustomization",
                "",
                "resources: [ ../../base ]   # the common Deployment",
                "",
                "images:",
                "  # the application \u2014 built once, promoted by digest",
                "  - name: \"ghcr.io/org/medical-platform\"",
                "    newName: 'registry.example.com/org/medical-platform'  # moved registries in 2025",
                "    digest: '" + digest('a') + "'",
                "",
                "  - {name: ghcr.io/org/audit-sidecar, digest: \"" + digest('b') + "\"}   # flow style",
                "  - name: ghcr.io/org/migrations",
                "    digest: " + digest('c'),
                "commonLabels:",
                "  team: \"platform\"",
                ""));
        assertThat(Kustomize.renderedImages(staging)).containsExactly(MIRROR + "@" + digest('a'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void insertsANewKeyWithItsSiblingsIndentationAndLineEnding() throws Exception {
        Path dev = GitOpsTree.create(repository).resolve("dev");
        Files.writeString(dev.resolve("kustomization.yaml"), String.join("\r\n",
                "resources:",
                "- ../../base",
                "images:",
                "-   name: ghcr.io/org/medical-platform   # four spaces after the dash",
                "    newName: registry.example.com/org/medical-platform",
                "-   name: ghcr.io/org/audit-sidecar",
                "-   {name: ghcr.io/org/unused}",
                "# end"), StandardCharsets.UTF_8);

        applyAndWrite(new OverlayEditor(List.of(ImagePin.parse(APP + "=" + MIRROR + "@" + digest('a')),
                ImagePin.parse(SIDECAR + "@" + digest('b')), ImagePin.parse("ghcr.io/org/unused@" + digest('c'))), false), dev);

        assertThat(Files.readString(dev.resolve("kustomization.yaml"), StandardCharsets.UTF_8)).isEqualTo(String.join("\r\n",
                "resources:",
                "- ../../base",
                "images:",
                "-   name: ghcr.io/org/medical-platform   # four spaces after the dash",
                "    newName: registry.example.com/org/medical-platform",
                "    digest: " + digest('a'),
                "-   name: ghcr.io/org/audit-sidecar",
                "    digest: " + digest('b'),
                "-   {name: ghcr.io/org/unused, digest: \"" + digest('c') + "\"}",
                "# end"));
        assertThat(Kustomize.renderedImages(dev)).containsExactly(MIRROR + "@" + digest('a'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void aFileWithoutAFinalLineBreakGetsOneOnlyWhereLinesAreAdded() throws Exception {
        Path dev = GitOpsTree.create(repository).resolve("dev");
        Files.writeString(dev.resolve("kustomization.yaml"), "resources:\n- ../../base\nimages:\n- name: " + APP);

        applyAndWrite(new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a'))), false), dev);

        assertThat(Files.readString(dev.resolve("kustomization.yaml")))
                .isEqualTo("resources:\n- ../../base\nimages:\n- name: " + APP + "\n  digest: " + digest('a') + "\n");
        assertThat(Kustomize.renderedImages(dev)).containsExactly(APP + "@" + digest('a'), SIDECAR + ":0.9.0");
    }
    @Test
    void removesATagFromAFlowMappingWithItsComma() throws Exception {
        Path dev = GitOpsTree.create(repository).resolve("dev");
        Files.writeString(dev.resolve("kustomization.yaml"), """
                resources: [../../base]
                images:
                - {newTag: "1.4.0", name: ghcr.io/org/medical-platform, digest: "%s"}
                - {name: ghcr.io/org/audit-sidecar, digest: '%s', newTag: 0.9.1}
                """.formatted(digest('1'), digest('2')));

        applyAndWrite(new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a')),
                ImagePin.parse(SIDECAR + "@" + digest('b'))), false), dev);

        assertThat(Files.readString(dev.resolve("kustomization.yaml"))).isEqualTo("""
                resources: [../../base]
                images:
                - {name: ghcr.io/org/medical-platform, digest: "%s"}
                - {name: ghcr.io/org/audit-sidecar, digest: '%s'}
                """.formatted(digest('a'), digest('b')));
        assertThat(Kustomize.renderedImages(dev)).containsExactly(APP + "@" + digest('a'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void fillsAnEmptyImagesKeyAndEmptyValues() throws Exception {
        Path overlays = GitOpsTree.create(repository);
        Path dev = overlays.resolve("dev");
        Files.writeString(dev.resolve("kustomization.yaml"), """
                resources:
                  - ../../base
                images:
                  - name: ghcr.io/org/medical-platform
                    digest:
                """);
        Path staging = overlays.resolve("staging");
        Files.writeString(staging.resolve("kustomization.yaml"), """
                images: # pinned by CI
                resources:
                  - ../../base
                """);
        OverlayEditor release = new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a')),
                ImagePin.parse(SIDECAR + "@" + digest('b'))), true);

        applyAndWrite(release, dev);
        applyAndWrite(release, staging);

        assertThat(Files.readString(dev.resolve("kustomization.yaml"))).isEqualTo("""
                resources:
                  - ../../base
                images:
                  - name: ghcr.io/org/medical-platform
                    digest: %s
                  - name: ghcr.io/org/audit-sidecar
                    digest: %s
                """.formatted(digest('a'), digest('b')));
        assertThat(Files.readString(staging.resolve("kustomization.yaml"))).isEqualTo("""
                images: # pinned by CI
                  - name: ghcr.io/org/medical-platform
                    digest: %s
                  - name: ghcr.io/org/audit-sidecar
                    digest: %s
                resources:
                  - ../../base
                """.formatted(digest('a'), digest('b')));
        for (Path overlay : List.of(dev, staging)) {
            assertThat(Kustomize.renderedImages(overlay)).containsExactly(APP + "@" + digest('a'), SIDECAR + "@" + digest('b'));
        }
    }

    @Test
    void addsToAnEmptyFlowList() throws Exception {
        Path dev = GitOpsTree.create(repository).resolve("dev");
        Files.writeString(dev.resolve("kustomization.yaml"), "resources: [../../base]\nimages: [ ]  # none yet\n");

        applyAndWrite(new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a')),
                ImagePin.parse(SIDECAR + "@" + digest('b'))), true), dev);

        assertThat(Files.readString(dev.resolve("kustomization.yaml"))).isEqualTo("resources: [../../base]\nimages: [ {name: "
                + APP + ", digest: \"" + digest('a') + "\"}, {name: " + SIDECAR + ", digest: \"" + digest('b') + "\"}]  # none yet\n");
        assertThat(Kustomize.renderedImages(dev)).containsExactly(APP + "@" + digest('a'), SIDECAR + "@" + digest('b'));
    }

    @Test
    void editsEveryContainerOfMultiDocumentPatchesAndOfPatchesListedUnderPatches() throws Exception {
        Path prod = GitOpsTree.create(repository).resolve("prod");
        Files.writeString(prod.resolve("kustomization.yaml"), """
                resources:
                  - ../../base
                  - worker.yaml
                patchesStrategicMerge:
                  - image-tag.yaml
                patches:
                  - path: worker-image.yaml
                """);
        Files.writeString(prod.resolve("worker.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: worker}
                spec:
                  template:
                    spec:
                      initContainers: [{name: migrate, image: ghcr.io/org/medical-platform:1.0.0}]
                      containers: [{name: worker, image: ghcr.io/org/medical-platform:1.0.0}]
                """);
        Files.writeString(prod.resolve("image-tag.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: medical-platform
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: "ghcr.io/org/medical-platform:1.3.0"
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: worker
                spec:
                  template:
                    spec:
                      initContainers:
                        - {name: migrate, image: ghcr.io/org/medical-platform:1.3.0}
                """);
        Files.writeString(prod.resolve("worker-image.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: worker
                spec:
                  template:
                    spec:
                      containers:
                        - name: worker
                          image: ghcr.io/org/medical-platform:1.3.0
                """);

        Map<String, byte[]> changes = applyAndWrite(new OverlayEditor(List.of(ImagePin.parse(APP + "@" + digest('a'))), false), prod);

        assertThat(changes).containsOnlyKeys("image-tag.yaml", "worker-image.yaml");
        assertThat(Files.readString(prod.resolve("image-tag.yaml")))
                .contains("image: \"" + APP + "@" + digest('a') + "\"\n---")
                .endsWith("{name: migrate, image: " + APP + "@" + digest('a') + "}\n");
        assertThat(Files.readString(prod.resolve("worker-image.yaml"))).endsWith("image: " + APP + "@" + digest('a') + "\n");
        assertThat(Kustomize.renderedImages(prod)).containsExactly(
                APP + "@" + digest('a'), SIDECAR + ":0.9.0", APP + "@" + digest('a'), APP + "@" + digest('a'));
        assertThat(OverlayEditor.current(prod)).containsExactly(new ImagePin(APP, APP, digest('a')));
    }
}
