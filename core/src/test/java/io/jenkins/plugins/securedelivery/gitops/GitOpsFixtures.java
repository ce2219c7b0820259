package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A GitOps repository laid out as seed 000 lays it out ({@code deploy/kustomize/base} and {@code overlays/dev,
 * staging, prod}), each overlay pinning its images in its kustomization.yaml; and a plain-text overlay edit that
 * stands in for the real YAML editor in these git tests. Public for the canary tests, which roll back through
 * the same repositories.
 */
public final class GitOpsFixtures {

    public static final String APP = "ghcr.io/org/medical-platform";
    /** When the seed commit was made: long before any promotion of a test. */
    static final Instant SEEDED_AT = Instant.parse("2024-01-01T00:00:00Z");
    static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");

    private GitOpsFixtures() {
    }

    /** A sha256 digest made from a word, so tests can say "release 2" instead of 64 hex digits. */
    public static String digest(String word) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(word.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    public static ImagePin pin(String name, String word) {
        return new ImagePin(name, name.replace("ghcr.io", "registry.example.com"), digest(word));
    }

    /** A bare repository (default branch main) whose overlays each pin {@code images} at digest("seed"). */
    public static Path seedBareRepository(Path bare, List<String> images) throws IOException, GitAPIException {
        Path work = Files.createTempDirectory(bare.getParent(), "seed-work");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            write(work, "deploy/kustomize/base/kustomization.yaml", """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                      - deployment.yaml
                    """);
            StringBuilder containers = new StringBuilder();
            for (int i = 0; i < images.size(); i++) {
                containers.append("        - name: c").append(i).append("\n          image: ")
                        .append(images.get(i)).append(":latest\n");
            }
            write(work, "deploy/kustomize/base/deployment.yaml", """
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
                    """ + containers);
            for (String env : ENVIRONMENTS) {
                StringBuilder k = new StringBuilder("""
                        # %s overlay: image digests are written by the promotion pipeline
                        apiVersion: kustomize.config.k8s.io/v1beta1
                        kind: Kustomization
                        namespace: platform-%s
                        resources:
                          - ../../base
                        images:
                        """.formatted(env, env));
                for (String image : images) {
                    ImagePin seed = pin(image, "seed");
                    k.append("  - name: ").append(image).append('\n')
                            .append("    newName: ").append(seed.newName()).append('\n')
                            .append("    digest: ").append(seed.digest()).append('\n');
                }
                write(work, "deploy/kustomize/overlays/" + env + "/kustomization.yaml", k.toString());
            }
            git.add().addFilepattern(".").call();
            PersonIdent seeder = new PersonIdent("seed", "seed@example.com", SEEDED_AT, ZoneOffset.UTC);
            git.commit().setMessage("Seed the GitOps repository").setAuthor(seeder).setCommitter(seeder)
                    .setSign(false).call();
            git.push().setRemote(bare.toUri().toString()).add("main").call();
        }
        deleteRecursively(work);
        return bare;
    }

    private static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
    /** The overlay edit the product uses, pinning {@code pins} in the overlay's images: list. */
    public static OverlayEdit pinning(List<ImagePin> pins) {
        return new OverlayEditor(pins, false);
    }

    /** The images an overlay pins, read as the product reads them (for --from and checks). */
    static List<ImagePin> pinsIn(Path overlay) {
        return OverlayEditor.current(overlay);
    }

    static Repository open(Path bare) throws IOException {
        return new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build();
    }

    static ObjectId head(Path bare) throws IOException {
        try (Repository repo = open(bare)) {
            return repo.resolve("refs/heads/main");
        }
    }

    /** The commits of main, newest first. */
    public static List<RevCommit> commits(Path bare) throws IOException, GitAPIException {
        try (Repository repo = open(bare); Git git = new Git(repo)) {
            List<RevCommit> commits = new ArrayList<>();
            git.log().add(repo.resolve(Constants.R_HEADS + "main")).call().forEach(commits::add);
            return commits;
        }
    }

    /** Runs a program (C git, ssh-keygen) and returns what it printed; fails the test when it fails. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    static void deleteRecursively(Path dir) throws IOException {
        org.eclipse.jgit.util.FileUtils.delete(dir.toFile(),
                org.eclipse.jgit.util.FileUtils.RECURSIVE | org.eclipse.jgit.util.FileUtils.SKIP_MISSING);
    }
}
