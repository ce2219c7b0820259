package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The deployments of one environment, newest first, promotions and rollbacks alike, read from the
 * {@link PromotionTrailers} of the commits that touch the environment's overlay ({@code git log -- <overlay>}).
 * Commits there without a {@code Promote-Environment} trailer for this environment (hand edits) are not deployments
 * and are left out.
 *
 * <pre>{@code
 * List<Deployment> prod = new DeploymentHistory().repository(url).environment("prod").call();
 * }</pre>
 *
 * The branch is cloned alone, without tags and without a working tree, with its whole history; {@link #since} makes
 * it a {@code --shallow-since} clone, which is what DORA metrics over a window need.
 */
public final class DeploymentHistory extends GitOpsCommand<DeploymentHistory, List<Deployment>> {

    private Instant since;

    /** Reads only the commits made at or after this instant ({@code git clone --shallow-since}). */
    public DeploymentHistory since(Instant since) {
        this.since = since;
        return this;
    }

    @Override
    public List<Deployment> call() {
        GitOpsRemote remote = remote();
        try (GitOpsWorkspace workspace = GitOpsWorkspace.clone(remote, false, since)) {
            return read(workspace, environment, overlayPath);
        }
    }

    /** The environment's deployments in a checkout, newest first. */
    static List<Deployment> read(GitOpsWorkspace workspace, String environment, String overlayPath) {
        List<Deployment> deployments = new ArrayList<>();
        try {
            var log = workspace.git().log()
                    .add(workspace.git().getRepository().resolve(Constants.HEAD))
                    .addPath(overlayPath);
            for (RevCommit commit : log.call()) {
                PromotionTrailers.read(commit)
                        .filter(d -> d.environment().equals(environment))
                        .ifPresent(deployments::add);
            }
            return deployments;
        } catch (GitAPIException | IOException e) {
            throw new GitOpsException(overlayPath, "its history cannot be read (" + e.getMessage() + ")",
                    "check that the branch's history is intact", e);
        }
    }
}
