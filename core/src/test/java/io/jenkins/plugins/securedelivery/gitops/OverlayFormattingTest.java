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
}
