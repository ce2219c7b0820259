package io.jenkins.plugins.securedelivery.gitops;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.api.CommitCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Commits one release to an overlay and pushes it, as one commit, with retry when someone else pushed first: fetch
 * their commit, plan again on top of it (the edit is recomputed from the files as they now are) and push again. The
 * remote changes by one fast-forward commit or not at all.
 */
final class ReleasePush {

    /** What to commit, recomputed on every attempt from the checkout as it then is. */
    interface Plan {
        /** @return the release to record and the edit that makes the overlay run it */
        Planned plan(GitOpsWorkspace workspace, Path overlay) throws IOException;
    }

    record Planned(Deployment release, OverlayEdit edit) {
    }

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(25);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final GitOpsRemote remote;
    private final String overlayPath;
    private final PersonIdent author;
    private final PersonIdent committer;
    private final CommitSigning signing;
    private final int maxAttempts;

    ReleasePush(GitOpsRemote remote, String overlayPath, PersonIdent author, PersonIdent committer,
            CommitSigning signing, int maxAttempts) {
        this.remote = remote;
        this.overlayPath = overlayPath;
        this.author = author;
        this.committer = committer;
        this.signing = signing;
        this.maxAttempts = maxAttempts;
    }

    PromotionResult run(GitOpsWorkspace workspace, Plan plan) {
        try {
            for (int attempt = 1; ; attempt++) {
                Path overlay = overlay(workspace);
                Planned planned = plan.plan(workspace, overlay);
                Map<String, byte[]> changes = planned.edit().apply(overlay);
                Deployment release = planned.release();
                if (changes.isEmpty()) {
                    return new PromotionResult(false, workspace.head().getName(), workspace.branch(),
                            release.environment(), release.images(), null, attempt);
                }
                RevCommit commit = commit(workspace, overlay, changes, release);
                if (commit == null) {
                    return new PromotionResult(false, workspace.head().getName(), workspace.branch(),
                            release.environment(), release.images(), null, attempt);
                }
                GitOpsWorkspace.PushOutcome outcome;
                try {
                    outcome = workspace.push();
                } catch (GitOpsWorkspace.PushInterrupted broken) {
                    outcome = askWhetherItLanded(workspace, commit, broken);
                }
                switch (outcome.result()) {
                    case LANDED -> {
                        return new PromotionResult(true, commit.getName(), workspace.branch(),
                                release.environment(), release.images(), release.rollbackOf(), attempt);
                    }
                    case REFUSED -> throw new GitOpsException.PushRejected(remote.display(), workspace.branch(),
                            outcome.reason());
                    case RACE -> {
                        if (attempt >= maxAttempts) {
                            throw new GitOpsException.TooManyConcurrentPushes(remote.display(), workspace.branch(),
                                    attempt);
                        }
                        backOff(attempt);
                        workspace.moveToRemoteHead();
                    }
                }
            }
        } catch (OverlayException e) {
            throw e.inRepository(remote.display(), workspace.workTree());
        } catch (IOException e) {
            // an IOException's message is often a path: the one in the checkout means nothing to the user
            String root = workspace.workTree().toAbsolutePath().normalize() + File.separator;
            throw new GitOpsException(remote.display() + " " + overlayPath,
                    "the overlay cannot be read or written (" + String.valueOf(e.getMessage()).replace(root, "") + ")",
                    "check the overlay's files in the repository; nothing was pushed", e);
        }
    }

    private Path overlay(GitOpsWorkspace workspace) {
        Path overlay = workspace.workTree().resolve(overlayPath);
        if (!Files.isDirectory(overlay)) {
            throw new GitOpsException.OverlayNotFound(remote.display(), overlayPath,
                    siblings(overlay.getParent()));
        }
        return overlay;
    }

    private static String siblings(Path parent) {
        if (parent == null || !Files.isDirectory(parent)) {
            return "";
        }
        try (Stream<Path> list = Files.list(parent)) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.joining(", "));
        } catch (IOException unreadable) {
            return "";
        }
    }

    /** @return the new commit, or null when the edit left every file as it was */
    private RevCommit commit(GitOpsWorkspace workspace, Path overlay, Map<String, byte[]> changes,
            Deployment release) throws IOException {
        try {
            var add = workspace.git().add();
            for (Map.Entry<String, byte[]> change : changes.entrySet()) {
                Path file = overlay.resolve(change.getKey()).normalize();
                if (!file.startsWith(overlay)) {
                    throw new GitOpsException(overlayPath, "the overlay edit wants to write " + change.getKey()
                            + ", outside the overlay", "edit files inside the overlay only");
                }
                Files.createDirectories(file.getParent());
                Files.write(file, change.getValue());
                add.addFilepattern(workspace.workTree().relativize(file).toString().replace('\\', '/'));
            }
            add.call();
            CommitCommand commit = workspace.git().commit()
                    .setMessage(PromotionTrailers.message(release))
                    .setAuthor(author)
                    .setCommitter(committer)
                    .setAllowEmpty(false)
                    .setNoVerify(true);
            if (signing != null && signing.gpgKey() != null) {
                Config config = new Config();
                config.setString("gpg", null, "format", "openpgp");
                commit.setSign(true).setSigner(signing.gpgKey()).setSigningKey(signing.gpgKey().fingerprint())
                        .setGpgConfig(new GpgConfig(config));
            } else if (signing != null) {
                // JGit picks its SSH signer (org.eclipse.jgit.ssh.apache) for gpg.format=ssh.
                Config config = new Config();
                config.setString("gpg", null, "format", "ssh");
                config.setString("user", null, "signingKey", signing.sshPrivateKey().toString());
                commit.setSign(true).setSigningKey(signing.sshPrivateKey().toString())
                        .setGpgConfig(new GpgConfig(config));
            } else {
                commit.setSign(false);
            }
            return commit.call();
        } catch (org.eclipse.jgit.api.errors.EmptyCommitException sameAsBefore) {
            // The edit rewrote the files as they were: nothing to promote.
            return null;
        } catch (GitAPIException e) {
            throw new GitOpsException(overlayPath, "the promotion commit cannot be made (" + e.getMessage() + ")",
                    signing != null ? "check the signing key (" + signing + "; an SSH key must be an unencrypted OpenSSH private key)"
                            : "check the checkout's file system", e);
        }
    }

    /** After a broken push, the server alone knows whether our commit landed: ask it, and never guess. */
    private GitOpsWorkspace.PushOutcome askWhetherItLanded(GitOpsWorkspace workspace, RevCommit commit,
            GitOpsWorkspace.PushInterrupted broken) {
        ObjectId now = workspace.remoteHead();
        if (commit.equals(now)) {
            return new GitOpsWorkspace.PushOutcome(GitOpsWorkspace.Push.LANDED, null);
        }
        String branch = workspace.branch();
        String state;
        if (now == null) {
            state = "the push broke off and the server cannot be asked whether commit " + commit.getName()
                    + " landed on " + branch;
        } else if (commit.getParentCount() == 1 && now.equals(commit.getParent(0))) {
            state = "the push broke off; " + branch + " is still at " + now.getName() + ", without this promotion";
        } else {
            state = "the push broke off; " + branch + " is now at " + now.getName()
                    + ", moved by another push, which may or may not hold this promotion's commit " + commit.getName();
        }
        throw new GitOpsException.Unreachable(remote.display(), state, broken.getCause());
    }

    private static void backOff(int attempt) {
        // Full jitter: racing pushers spread out instead of colliding again in step.
        long ceiling = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitOpsException("promotion", "interrupted while waiting to push again", "run it again", e);
        }
    }
}
