package io.jenkins.plugins.securedelivery.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A bare GitOps repository as teams lay it out: a kustomize base and a staging overlay whose image is not pinned yet.
 * Read back with JGit, as Argo CD would read it.
 */
final class GitOpsRepository {

    static final String IMAGE = "ghcr.io/org/app";

    private GitOpsRepository() {
    }

    static Path seed(Path directory) throws IOException, GitAPIException {
        Path bare = directory.resolve("gitops.git");
        Path work = directory.resolve("seed");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            write(work, "deploy/kustomize/base/kustomization.yaml", """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                      - deployment.yaml
                    """);
            write(work, "deploy/kustomize/base/deployment.yaml", """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: app
                    spec:
                      selector:
                        matchLabels: {app: app}
                      template:
                        metadata:
                          labels: {app: app}
                        spec:
                          containers:
                            - name: app
                              image: ghcr.io/org/app:latest
                    """);
            write(work, "deploy/kustomize/overlays/staging/kustomization.yaml", """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    namespace: staging
                    resources:
                      - ../../base
                    images:
                      - name: ghcr.io/org/app
                        newTag: bootstrap
                    """);
            git.add().addFilepattern(".").call();
            PersonIdent team = new PersonIdent("Platform Team", "platform@example.com");
            git.commit().setMessage("Bootstrap the GitOps repository").setAuthor(team).setCommitter(team).setSign(false).call();
            git.push().setRemote(bare.toUri().toString()).add("main").call();
        }
        return bare;
    }

    static String overlay(Path bare) throws IOException {
        try (Git git = Git.open(bare.toFile())) {
            var repository = git.getRepository();
            var tree = repository.parseCommit(repository.resolve("refs/heads/main")).getTree();
            try (var walk = org.eclipse.jgit.treewalk.TreeWalk.forPath(repository, "deploy/kustomize/overlays/staging/kustomization.yaml", tree)) {
                return new String(repository.open(walk.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    static RevCommit head(Path bare) throws IOException {
        try (Git git = Git.open(bare.toFile())) {
            return git.getRepository().parseCommit(git.getRepository().resolve("refs/heads/main"));
        }
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
