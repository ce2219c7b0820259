package io.jenkins.plugins.securedelivery.gitops;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * What every command that commits a release to an overlay ({@link Promotion}, {@link Rollback}) is told: how the
 * overlay pins images, the run and approvers recorded in the trailers, who commits, how the commit is signed, and how
 * often to try again when others push first.
 */
public abstract class ReleaseCommand<C extends ReleaseCommand<C>> extends GitOpsCommand<C, PromotionResult> {

    Function<List<ImagePin>, OverlayEdit> editor;
    String runUrl;
    List<String> approvers = List.of();
    PersonIdent author = new PersonIdent("secure-delivery", "secure-delivery@localhost");
    PersonIdent committer;
    CommitSigning signing;
    int maxAttempts = 30;

    ReleaseCommand() {}

    /** Makes the overlay edit that pins the images of the release. */
    public C editor(Function<List<ImagePin>, OverlayEdit> editor) {
        this.editor = Objects.requireNonNull(editor, "editor");
        return self();
    }

    /** The pipeline run that commits the release (trailer {@code Run-URL}). */
    public C runUrl(String url) {
        this.runUrl = PromotionTrailers.oneLine("the run URL", url);
        return self();
    }

    /** Who approved the release (one {@code Approved-By} trailer each). */
    public C approvers(List<String> approvers) {
        approvers.forEach(a -> PromotionTrailers.oneLine("an approver", a));
        this.approvers = List.copyOf(approvers);
        return self();
    }

    /** The commit's author (and committer, unless {@link #committer} says otherwise). */
    public C author(String name, String email) {
        this.author = new PersonIdent(name, email);
        return self();
    }

    public C committer(String name, String email) {
        this.committer = new PersonIdent(name, email);
        return self();
    }

    public C signing(CommitSigning signing) {
        this.signing = signing;
        return self();
    }

    /** How many times to commit and push when others keep pushing first (30 by default). */
    public C maxAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1");
        }
        this.maxAttempts = attempts;
        return self();
    }

    /** Pushes the planned commit with the identities, signing and retries set here. */
    ReleasePush push(GitOpsRemote remote) {
        if (editor == null) {
            throw new IllegalArgumentException("no overlay edit given: say how the overlay pins the images");
        }
        PersonIdent now = new PersonIdent(author, Instant.now());
        PersonIdent by = committer != null ? new PersonIdent(committer, Instant.now()) : now;
        return new ReleasePush(remote, overlayPath, now, by, signing, maxAttempts);
    }
}
