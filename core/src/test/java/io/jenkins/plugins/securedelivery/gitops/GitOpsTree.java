package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A GitOps repository's kustomize tree as seed 000 lays it out: {@code deploy/kustomize/base} with one Deployment
 * running two images, and overlays dev (an {@code images:} list pinned by tag), staging (the same by digest) and prod
 * (an {@code image-tag.yaml} patch, as CI patches it).
 */
final class GitOpsTree {

    static final String APP = "ghcr.io/org/medical-platform";
    static final String SIDECAR = "ghcr.io/org/audit-sidecar";
    static final String MIRROR = "registry.example.com/org/medical-platform";

    private GitOpsTree() {
    }

    static String digest(char hex) {
        return "sha256:" + String.valueOf(hex).repeat(64);
    }

    static Path create(Path root) throws IOException {
        Path kustomize = root.resolve("deploy/kustomize");
        write(kustomize.resolve("base/kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - deployment.yaml
                """);
        write(kustomize.resolve("base/deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: medical-platform
                spec:
                  selector:
                    matchLabels: {app: medical-platform}
                  template:
                    metadata:
                      labels: {app: medical-platform}
                    spec:
                      containers:
                        - name: app
                          image: ghcr.io/org/medical-platform:1.0.0
                        - name: audit
                          image: ghcr.io/org/audit-sidecar:0.9.0
                """);
        write(kustomize.resolve("overlays/dev/kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../base
                images:
                  - name: ghcr.io/org/medical-platform
                    newTag: "1.4.0"
                  - name: ghcr.io/org/audit-sidecar
                    newTag: "0.9.1"
                """);
        write(kustomize.resolve("overlays/staging/kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../base
                images:
                  - name: ghcr.io/org/medical-platform
                    newName: registry.example.com/org/medical-platform
                    digest: %s
                  - name: ghcr.io/org/audit-sidecar
                    digest: %s
                """.formatted(digest('1'), digest('2')));
        write(kustomize.resolve("overlays/prod/kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../base
                patchesStrategicMerge:
                  - image-tag.yaml
                """);
        write(kustomize.resolve("overlays/prod/image-tag.yaml"), """
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
                          image: ghcr.io/org/medical-platform@%s   # release 1.3.0
                        - name: audit
                          image: 'ghcr.io/org/audit-sidecar:0.9.0'
                """.formatted(digest('0')));
        return kustomize.resolve("overlays");
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Writes what an edit returned, as the promotion engine does in its checkout. */
    static Map<String, byte[]> applyAndWrite(OverlayEdit edit, Path overlay) throws IOException {
        Map<String, byte[]> changes = edit.apply(overlay);
        for (Map.Entry<String, byte[]> change : changes.entrySet()) {
            Files.write(overlay.resolve(change.getKey()), change.getValue());
        }
        return changes;
    }
}
