package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.util.FileUtils;

/**
 * A temporary checkout of one branch of the GitOps repository, deleted on close. Shallow ones (depth 1) carry one
 * commit's tree and nothing else, which is all a promotion reads; history needs the commits, so it is cloned without
 * depth (or with a --shallow-since date).
 */
final class GitOpsWorkspace implements AutoCloseable {

    /** How a push ended: landed, lost a race (fetch and try again), or refused for good. */
    enum Push { LANDED, RACE, REFUSED }

    record PushOutcome(Push result, String reason) {
    }

    private final GitOpsRemote remote;
    private final Path scratch;
    private final Git git;
    private final String branch;
    private final boolean shallow;

    private GitOpsWorkspace(GitOpsRemote remote, Path scratch, Git git, String branch, boolean shallow) {
        this.remote = remote;
        this.scratch = scratch;
        this.git = git;
        this.branch = branch;
        this.shallow = shallow;
    }

    /**
     * Clones the branch alone, without tags: at depth 1 when {@code shallow}, else its whole history (or since {@code
     * since}, when given).
     */
    static GitOpsWorkspace clone(GitOpsRemote remote, boolean shallow, Instant since) {
        Path scratch;
        try {
            scratch = remote.newCheckoutDirectory();
        } catch (IOException e) {
            throw new GitOpsException(String.valueOf(remote.workDirectory()),
                    "no temporary checkout can be made there (" + e.getMessage() + ")",
                    "give a writable work directory", e);
        }
        try {
            var clone = Git.cloneRepository()
                    .setURI(remote.url())
                    .setDirectory(scratch.resolve("repo").toFile())
                    .setCloneAllBranches(false)
                    .setNoTags();
            if (remote.branch() != null) {
                clone.setBranch(remote.branch()).setBranchesToClone(List.of(Constants.R_HEADS + remote.branch()));
            }
            // Without a named branch the clone follows the remote's HEAD, and the checkout says which branch that is:
            // no ls-remote round trip first (a GitOps repository has few branches; their tips are fetched at depth 1).
            if (shallow) {
                clone.setDepth(1);
            } else if (since != null) {
                clone.setShallowSince(since);
            }
            Git git = remote.authenticate(clone, scratch).call();
            String branch = remote.branch() != null ? remote.branch() : git.getRepository().getBranch();
            if (git.getRepository().resolve(Constants.HEAD) == null) {
                git.close();
                if (remote.branch() == null) {
                    throw new GitOpsException(remote.display(), "its default branch cannot be told (the repository is empty or has no HEAD)",
                            "name the branch Argo CD follows");
                }
                throw noBranch(remote, branch);
            }
            return new GitOpsWorkspace(remote, scratch, git, branch, shallow);
        } catch (RuntimeException e) {
            delete(scratch);
            throw e;
        } catch (GitAPIException | IOException e) {
            delete(scratch);
            if (remote.branch() != null && String.valueOf(e.getMessage()).contains("Remote branch '")) {
                throw noBranch(remote, remote.branch());
            }
            throw transportFailure(remote, "the repository cannot be cloned", e);
        }
    }

    private static GitOpsException noBranch(GitOpsRemote remote, String branch) {
        return new GitOpsException(remote.display(), "there is no branch " + branch + " (or it is empty)",
                "name the branch Argo CD follows");
    }

    Git git() {
        return git;
    }

    String branch() {
        return branch;
    }

    Path workTree() {
        return git.getRepository().getWorkTree().toPath();
    }

    Path scratch() {
        return scratch;
    }

    RevCommit head() throws IOException {
        try (RevWalk walk = new RevWalk(git.getRepository())) {
            return walk.parseCommit(git.getRepository().resolve(Constants.HEAD));
        }
    }

    /** Fetches the branch as it now is on the server and puts the checkout exactly there, dropping our commit. */
    void moveToRemoteHead() throws IOException {
        try {
            var fetch = git.fetch().setRemote(Constants.DEFAULT_REMOTE_NAME)
                    .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + branch + ":" + Constants.R_REMOTES
                            + Constants.DEFAULT_REMOTE_NAME + "/" + branch))
                    .setTagOpt(org.eclipse.jgit.transport.TagOpt.NO_TAGS);
            if (shallow) {
                fetch.setDepth(1);
            }
            remote.authenticate(fetch, scratch).call();
            git.reset().setMode(ResetCommand.ResetType.HARD)
                    .setRef(Constants.R_REMOTES + Constants.DEFAULT_REMOTE_NAME + "/" + branch).call();
            git.clean().setCleanDirectories(true).setForce(true).call();
        } catch (GitAPIException e) {
            throw transportFailure(remote, "the branch cannot be fetched again after another push", e);
        }
    }

    /** Pushes the checkout's HEAD to the branch, as a fast-forward only. */
    PushOutcome push() throws IOException {
        try {
            var push = git.push().setRemote(Constants.DEFAULT_REMOTE_NAME)
                    .setRefSpecs(new RefSpec(Constants.HEAD + ":" + Constants.R_HEADS + branch));
            Iterable<PushResult> results = remote.authenticate(push, scratch).call();
            List<String> reasons = new ArrayList<>();
            for (PushResult result : results) {
                Collection<RemoteRefUpdate> updates = result.getRemoteUpdates();
                for (RemoteRefUpdate update : updates) {
                    switch (update.getStatus()) {
                        case OK, UP_TO_DATE -> {
                            return new PushOutcome(Push.LANDED, null);
                        }
                        case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
                            return new PushOutcome(Push.RACE, "someone pushed first");
                        }
                        case REJECTED_OTHER_REASON -> {
                            String message = String.valueOf(update.getMessage());
                            String lower = message.toLowerCase(Locale.ROOT);
                            // How C git and JGit servers word a lost race: the pusher lacked the new head
                            // ("fetch first"), the ref moved between the advertisement and the update (JGit over
                            // stateless HTTP: "invalid old id sent"), or another push held the ref's lock.
                            if (lower.contains("fetch first") || lower.contains("non-fast-forward")
                                    || lower.contains("invalid old id") || lower.contains("failed to lock")
                                    || lower.contains("cannot lock ref")
                                    || lower.contains("failed to update ref") || lower.contains("lock error")) {
                                return new PushOutcome(Push.RACE, message);
                            }
                            reasons.add(message.isBlank() ? update.getStatus().toString() : message);
                        }
                        default -> reasons.add(update.getStatus() + (update.getMessage() == null ? ""
                                : " " + update.getMessage()));
                    }
                }
                if (result.getMessages() != null && !result.getMessages().isBlank()) {
                    reasons.add(result.getMessages().strip().replace('\n', ' '));
                }
            }
            return new PushOutcome(Push.REFUSED, String.join("; ", reasons));
        } catch (TransportException e) {
            String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            // A server that closes the connection while refusing a ref (a pre-receive hook) can look like this too.
            if (text.contains("not authorized") || text.contains("authentication")) {
                throw new GitOpsException.AuthenticationFailed(remote.display(), e);
            }
            throw new PushInterrupted(e);
        } catch (GitAPIException e) {
            throw new PushInterrupted(e);
        }
    }

    /** The push broke off (network, server gone): whether it landed is not known until the server is asked. */
    static final class PushInterrupted extends RuntimeException {
        PushInterrupted(Throwable cause) {
            super(cause);
        }
    }

    /** The branch's commit on the server now, asked with ls-remote; null when the server cannot be reached. */
    ObjectId remoteHead() {
        try {
            Map<String, Ref> refs = remote.authenticate(Git.lsRemoteRepository().setRemote(remote.url()), scratch)
                    .setHeads(true).callAsMap();
            Ref ref = refs.get(Constants.R_HEADS + branch);
            return ref == null ? ObjectId.zeroId() : ref.getObjectId();
        } catch (GitAPIException | IOException | RuntimeException unreachable) {
            return null;
        }
    }

    static GitOpsException transportFailure(GitOpsRemote remote, String what, Exception e) {
        // JGit says what went wrong only in words, spread over the cause chain (the SSH layer's at the bottom).
        StringBuilder chain = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            chain.append(c.getMessage()).append('\n');
        }
        String text = chain.toString().toLowerCase(Locale.ROOT);
        if (text.contains("not authorized") || text.contains("authentication") || text.contains("auth fail")
                || text.contains("cannot log in") || text.contains("no credentialsprovider")) {
            return new GitOpsException.AuthenticationFailed(remote.display(), e);
        }
        if (e instanceof InvalidRemoteException || text.contains("not found") || text.contains("does not appear")
                || text.contains("not a git repository")) {
            return new GitOpsException(remote.display(), what + ": there is no git repository there",
                    "check the URL or path", e);
        }
        if (text.contains("host key") || text.contains("known_hosts") || text.contains("server key")) {
            return new GitOpsException(remote.display(), what + ": the server's SSH host key is not the one in the"
                    + " known_hosts file", "add the server's host key to the known_hosts file, after checking it", e);
        }
        return new GitOpsException.Unreachable(remote.display(), what + " (the server cannot be reached or broke off)",
                e);
    }

    @Override
    public void close() {
        git.close();
        delete(scratch);
    }

    private static void delete(Path scratch) {
        try {
            FileUtils.delete(scratch.toFile(), FileUtils.RECURSIVE | FileUtils.RETRY | FileUtils.SKIP_MISSING);
        } catch (IOException leftBehind) {
            // A temporary directory we could not delete is not worth failing a promotion that landed.
        }
    }
}
