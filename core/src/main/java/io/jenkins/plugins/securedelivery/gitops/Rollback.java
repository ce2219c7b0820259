package io.jenkins.plugins.securedelivery.gitops;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Rolls an environment back to an earlier release, in one commit that restores all of that release's images and
 * records {@code Rollback-Of: <the release commit it replaces>}.
 *
 * <pre>{@code
 * PromotionResult result = new Rollback()
 *         .repository(url).credentials(credentials).environment("prod")
 *         .previous()                      // or .to("3f2a9c1")
 *         .editor(pins -> overlayEditorSetting(pins))
 *         .runUrl(runUrl)
 *         .call();
 * }</pre>
 *
 * <b>Which release is "previous":</b> walking the environment's history from the newest deployment (the current
 * one) back, the first deployment that runs other images than the current one and that was not itself rolled back
 * (named by a newer {@code Rollback-Of}). So rolling back twice does not bring the bad release back. A run rolls an
 * environment back to its previous release once: when the current deployment is a rollback with this run's
 * {@code Run-URL}, nothing is committed and the result names that rollback.
 * <b>{@code to(commit)}</b> names a deployment commit of this environment (a unique prefix will do).
 * The history is read from a clone of the branch with its whole history (no depth limit), without tags. Races with
 * other pushers are handled as a {@link Promotion} handles them: the target is chosen again on the new head.
 */
public final class Rollback extends ReleaseCommand<Rollback> {

    private String toCommit;
    private boolean previous;

    /** Restores the release before the current one. */
    public Rollback previous() {
        this.previous = true;
        this.toCommit = null;
        return this;
    }

    /** Restores the release a deployment commit of this environment recorded (a unique prefix will do). */
    public Rollback to(String commit) {
        this.toCommit = Objects.requireNonNull(commit, "commit").trim();
        this.previous = false;
        return this;
    }

    @Override
    public PromotionResult call() {
        GitOpsRemote remote = remote();
        if (!previous && toCommit == null) {
            throw new IllegalArgumentException("say what to roll back to: the previous release, or a commit");
        }
        ReleasePush push = push(remote);
        try (GitOpsWorkspace workspace = GitOpsWorkspace.clone(remote, false, null)) {
            PromotionResult done = alreadyRolledBackByThisRun(workspace);
            if (done != null) {
                return done;
            }
            return push.run(workspace, (ws, overlay) -> {
                List<Deployment> history = DeploymentHistory.read(ws, environment, overlayPath);
                if (history.isEmpty()) {
                    throw new GitOpsException(remote.display() + " " + overlayPath,
                            "no deployment of " + environment + " is recorded there (no commit with a "
                                    + PromotionTrailers.ENVIRONMENT + ": " + environment + " trailer)",
                            "promote a release first; there is nothing to roll back to");
                }
                Deployment current = history.get(0);
                Deployment target = previous ? previous(history) : named(history, remote);
                if (target == null) {
                    throw new GitOpsException(remote.display() + " " + overlayPath,
                            environment + " has no earlier release with other images than the current one ("
                                    + current.commit() + ")",
                            "roll back to a named commit, or promote the release you want");
                }
                Deployment rollback = new Deployment(null, null, environment, target.images(),
                        target.sourceRepository(), target.sourceCommit(), target.sourceCommittedAt(), runUrl,
                        approvers, current.commit());
                return new ReleasePush.Planned(rollback, editor.apply(target.images()));
            });
        }
    }

    /**
     * The rollback this run already made, when it is still the environment's current deployment: a retry after a lost
     * answer, or a canary watch resumed after a restart, must not roll back one release further.
     */
    private PromotionResult alreadyRolledBackByThisRun(GitOpsWorkspace workspace) {
        if (!previous || runUrl == null) {
            return null;
        }
        List<Deployment> history = DeploymentHistory.read(workspace, environment, overlayPath);
        Deployment current = history.isEmpty() ? null : history.get(0);
        if (current == null || !current.isRollback() || !runUrl.equals(current.runUrl())) {
            return null;
        }
        return new PromotionResult(false, current.commit(), workspace.branch(), environment, current.images(),
                current.rollbackOf(), 0);
    }

    private static Deployment previous(List<Deployment> history) {
        Deployment current = history.get(0);
        Set<String> rolledBack = new HashSet<>();
        for (Deployment d : history) {
            if (d != current && !rolledBack.contains(d.commit())
                    && !new HashSet<>(d.images()).equals(new HashSet<>(current.images()))) {
                return d;
            }
            if (d.isRollback()) {
                rolledBack.add(d.rollbackOf());
            }
        }
        return null;
    }

    private Deployment named(List<Deployment> history, GitOpsRemote remote) {
        List<Deployment> matches = history.stream().filter(d -> d.commit().startsWith(toCommit.toLowerCase()))
                .toList();
        if (matches.size() != 1 || toCommit.length() < 4) {
            throw new GitOpsException(remote.display() + " " + overlayPath, matches.isEmpty()
                    ? "commit " + toCommit + " is not a deployment of " + environment
                    : "commit " + toCommit + " is ambiguous or too short",
                    "give the full commit of one of " + environment + "'s deployments (see its history)");
        }
        return matches.get(0);
    }
}
