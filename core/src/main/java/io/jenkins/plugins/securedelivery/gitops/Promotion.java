package io.jenkins.plugins.securedelivery.gitops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Promotes a release to an environment: one commit to the environment's overlay in the GitOps repository, pushed to
 * the branch Argo CD follows.
 *
 * <pre>{@code
 * PromotionResult result = new Promotion()
 *         .repository("https://git.example.com/org/gitops.git")      // or ssh://, file://, a local path
 *         .credentials(GitCredentials.token("ci", token))               // or GitCredentials.sshKey(key, knownHosts)
 *         .environment("prod")                                          // overlay deploy/kustomize/overlays/prod
 *         .images(List.of(ImagePin.parse("ghcr.io/org/app=registry.example.com/org/app@sha256:...")))
 *         .editor(pins -> overlayEditorSetting(pins))                   // the OverlayEdit that pins them
 *         .sourceRepository("https://git.example.com/org/app").sourceCommit(sha).sourceCommittedAt(when)
 *         .runUrl(runUrl).approvers(List.of("alice"))
 *         .author("Release Bot", "release@example.com")
 *         .signing(CommitSigning.sshKey(Path.of("signing_key")))      // optional
 *         .call();
 * }</pre>
 *
 * <ul>
 *   <li><b>Small clone.</b> Only the target branch is fetched, at depth 1, without tags: one commit's tree whatever
 *       the history's length.</li>
 *   <li><b>Atomic.</b> All images of the release change in one commit whose message ends with the
 *       {@link PromotionTrailers}; the remote gets that commit as a fast-forward, or nothing.</li>
 *   <li><b>Races.</b> When someone pushed first, the branch is fetched again (depth 1), the checkout reset onto it,
 *       the {@link OverlayEdit} applied again to the files as they now are, and the commit pushed again: at most
 *       {@link #maxAttempts(int)} times (30 by default) with jittered exponential backoff (25 ms doubling, at most
 *       2 s).</li>
 *   <li><b>No-op.</b> When the overlay already runs the images (the edit changes nothing), nothing is committed and
 *       the result says {@code changed() == false}. Running a promotion again is therefore safe.</li>
 *   <li><b>Faults</b> throw a {@link GitOpsException} (authentication, a push the server refuses, a server gone
 *       mid-push, a missing overlay) and leave the remote as it was; after a broken push the server is asked whether
 *       the commit landed, and the answer is reported, never guessed.</li>
 *   <li><b>{@code --from ENV}.</b> {@link #from(String, Function)} promotes exactly the images another environment's
 *       overlay runs, read from the same checkout.</li>
 * </ul>
 */
public final class Promotion extends ReleaseCommand<Promotion> {

    private List<ImagePin> images = List.of();
    private String fromEnvironment;
    private Function<Path, List<ImagePin>> overlayReader;
    private String sourceRepository;
    private String sourceCommit;
    private Instant sourceCommittedAt;

    /** The images of the release, all moved in one commit. */
    public Promotion images(List<ImagePin> images) {
        this.images = List.copyOf(images);
        return this;
    }

    /** The change to the overlay, when it does not depend on the images (it already knows them). */
    public Promotion edit(OverlayEdit edit) {
        Objects.requireNonNull(edit, "edit");
        this.editor = pins -> edit;
        return this;
    }

    /**
     * Promotes what {@code environment} runs: its overlay ({@code deploy/kustomize/overlays/<environment>}) is read
     * with {@code overlayReader} in the checkout, on every attempt, instead of taking {@link #images(List)}.
     */
    public Promotion from(String environment, Function<Path, List<ImagePin>> overlayReader) {
        checkEnvironment(environment);
        this.fromEnvironment = environment;
        this.overlayReader = Objects.requireNonNull(overlayReader, "overlayReader");
        return this;
    }

    public Promotion sourceRepository(String url) {
        this.sourceRepository = PromotionTrailers.oneLine("the source repository", url);
        return this;
    }

    public Promotion sourceCommit(String commit) {
        this.sourceCommit = PromotionTrailers.oneLine("the source commit", commit);
        return this;
    }

    /** When the application commit was made: lead time for changes starts here. */
    public Promotion sourceCommittedAt(Instant when) {
        this.sourceCommittedAt = when;
        return this;
    }

    @Override
    public PromotionResult call() {
        GitOpsRemote remote = remote();
        if (fromEnvironment != null && !images.isEmpty()) {
            throw new IllegalArgumentException("give images or the environment to promote them from, not both");
        }
        if (fromEnvironment == null && images.isEmpty()) {
            throw new IllegalArgumentException("no image to promote: give NAME=REF@sha256:... or --from ENV");
        }
        if (environment.equals(fromEnvironment)) {
            throw new IllegalArgumentException("cannot promote " + environment + " from itself");
        }
        ReleasePush push = push(remote);
        try (GitOpsWorkspace workspace = GitOpsWorkspace.clone(remote, true, null)) {
            return push.run(workspace, (ws, overlay) -> {
                List<ImagePin> pins = fromEnvironment == null ? images : readFrom(remote, ws);
                Deployment release = new Deployment(null, null, environment, pins, sourceRepository, sourceCommit,
                        sourceCommittedAt, runUrl, approvers, null);
                return new ReleasePush.Planned(release, editor.apply(pins));
            });
        }
    }

    private List<ImagePin> readFrom(GitOpsRemote remote, GitOpsWorkspace workspace) {
        String path = OVERLAYS + fromEnvironment;
        Path overlay = workspace.workTree().resolve(path);
        if (!Files.isDirectory(overlay)) {
            throw new GitOpsException.OverlayNotFound(remote.display(), path, "");
        }
        List<ImagePin> pins = new ArrayList<>(overlayReader.apply(overlay));
        if (pins.isEmpty()) {
            throw new GitOpsException(path, "the overlay pins no image by digest",
                    "promote " + fromEnvironment + " by digest first");
        }
        return pins;
    }
}
