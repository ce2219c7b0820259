package io.jenkins.plugins.securedelivery.canary;

import io.jenkins.plugins.securedelivery.gitops.GitCredentials;
import io.jenkins.plugins.securedelivery.gitops.OverlayEditor;
import io.jenkins.plugins.securedelivery.gitops.PromotionResult;
import io.jenkins.plugins.securedelivery.gitops.Rollback;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a failed canary is rolled back in git: the environment's overlay in the GitOps repository. The rollback is
 * the gitops {@link Rollback} to the previous release, one commit with a {@code Rollback-Of} trailer.
 *
 * @param repository    the GitOps repository (https, ssh, file:// URL or local path)
 * @param branch        the branch Argo CD follows, or null for the repository's default branch
 * @param environment   the environment whose canary failed
 * @param overlayPath   the overlay directory, or null for {@code deploy/kustomize/overlays/<environment>}
 * @param credentials   how to authenticate (its toString never shows a token)
 * @param runUrl        the pipeline run recorded in the commit's {@code Run-URL} trailer, or null
 * @param workDirectory where the temporary checkout is made, or null for the system's temporary directory
 */
public record GitRollback(String repository, String branch, String environment, String overlayPath,
        GitCredentials credentials, String runUrl, Path workDirectory) {

    public GitRollback {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(environment, "environment");
        credentials = credentials == null ? GitCredentials.none() : credentials;
    }

    public static GitRollback of(String repository, String environment) {
        return new GitRollback(repository, null, environment, null, GitCredentials.none(), null, null);
    }

    /** Commits the rollback of the environment to its previous release and pushes it. */
    public PromotionResult call() {
        Rollback rollback = new Rollback().repository(repository).environment(environment).credentials(credentials)
                .previous().editor(pins -> new OverlayEditor(pins, false));
        if (branch != null) {
            rollback.branch(branch);
        }
        if (overlayPath != null) {
            rollback.overlayPath(overlayPath);
        }
        if (runUrl != null) {
            rollback.runUrl(runUrl);
        }
        if (workDirectory != null) {
            rollback.workDirectory(workDirectory);
        }
        return rollback.call();
    }
}
