package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.commits;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.head;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pin;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pinning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every fault gives a clear error and leaves the remote as it was; a promotion that failed can be run again. */
class PromotionFaultsTest {

    private static final String TOKEN = "s3cret-token-never-shown";

    @TempDir
    Path dir;
    private Path repositories;
    private Path bare;
    private ObjectId before;
    private final List<ImagePin> release = List.of(pin(APP, "r1"));

    @BeforeEach
    void seed() throws Exception {
        repositories = Files.createDirectories(dir.resolve("srv"));
        bare = GitOpsFixtures.seedBareRepository(repositories.resolve("gitops.git"), List.of(APP));
        before = head(bare);
    }

    private Promotion promotion(String url) {
        return new Promotion().repository(url).environment("prod").images(release).edit(pinning(release))
                .workDirectory(dir.resolve("work"));
    }

    @Test
    void failedAuthenticationSaysSoAndNeverShowsTheToken() throws Exception {
        try (JGitHttpServer server = new JGitHttpServer(repositories)) {
            Promotion wrongToken = promotion(server.url("gitops.git"))
                    .credentials(GitCredentials.token(JGitHttpServer.USER, TOKEN));

            assertThatThrownBy(wrongToken::call)
                    .isInstanceOf(GitOpsException.AuthenticationFailed.class)
                    .hasMessageContaining(server.url("gitops.git"))
                    .hasMessageContaining("refused the credentials")
                    .satisfies(e -> assertThat(Stream.iterate(e, c -> c != null, Throwable::getCause)
                            .map(String::valueOf)).noneMatch(text -> text.contains(TOKEN)));
            assertThat(GitCredentials.token("ci", TOKEN).toString()).doesNotContain(TOKEN);
        }
        assertThat(head(bare)).isEqualTo(before);
    }

    @Test
    void aTokenWrittenIntoTheUrlIsNeverShownEither() throws Exception {
        try (JGitHttpServer server = new JGitHttpServer(repositories)) {
            String url = server.url("gitops.git").replace("http://", "http://" + JGitHttpServer.USER + ":" + TOKEN + "@");

            assertThatThrownBy(promotion(url)::call)
                    .isInstanceOf(GitOpsException.AuthenticationFailed.class)
                    .hasMessageStartingWith(server.url("gitops.git") + ": ")
                    .satisfies(e -> assertThat(Stream.iterate(e, c -> c != null, Throwable::getCause)
                            .map(String::valueOf)).noneMatch(text -> text.contains(TOKEN)));
        }
    }

    @Test
    void aProtectedBranchRejectingThePushChangesNothing() throws Exception {
        hook("pre-receive", "echo 'main is protected: promote through a pull request' >&2\nexit 1\n");
        try (GitDaemon daemon = new GitDaemon(repositories)) {
            assertThatThrownBy(promotion(daemon.url("gitops.git"))::call)
                    .isInstanceOf(GitOpsException.PushRejected.class)
                    .hasMessageContaining("rejected the push to main")
                    .hasMessageContaining("pre-receive hook declined")
                    .hasMessageContaining("nothing was changed");
        }
        assertThat(head(bare)).isEqualTo(before);
    }

    @Test
    void theServerDyingMidPushChangesNothingAndThePromotionCanBeRunAgain() throws Exception {
        // receive-pack is killed after it has the pack and before it moves the branch: the connection drops mid-push.
        hook("pre-receive", "kill -9 $PPID\nsleep 5\n");
        try (GitDaemon daemon = new GitDaemon(repositories)) {
            assertThatThrownBy(promotion(daemon.url("gitops.git"))::call)
                    .isInstanceOf(GitOpsException.Unreachable.class)
                    .hasMessageContaining("the push broke off; main is still at " + before.getName())
                    .hasMessageContaining("run it again");
            assertThat(head(bare)).isEqualTo(before);

            Files.delete(bare.resolve("hooks/pre-receive"));
            PromotionResult again = promotion(daemon.url("gitops.git")).call();
            assertThat(again.changed()).isTrue();
        }
        assertThat(commits(bare)).hasSize(2);
    }

    @Test
    void aServerThatIsDownGivesAClearError() throws Exception {
        GitDaemon daemon = new GitDaemon(repositories);
        String url = daemon.url("gitops.git");
        daemon.stop();

        assertThatThrownBy(promotion(url)::call)
                .isInstanceOf(GitOpsException.Unreachable.class)
                .hasMessageContaining(url)
                .hasMessageContaining("cannot be reached");
        assertThat(head(bare)).isEqualTo(before);
    }

    @Test
    void aMissingEnvironmentNamesTheOverlaysThereAre() throws Exception {
        assertThatThrownBy(promotion(bare.toString()).environment("qa")::call)
                .isInstanceOf(GitOpsException.OverlayNotFound.class)
                .hasMessageContaining("no overlay directory deploy/kustomize/overlays/qa")
                .hasMessageContaining("overlays there: dev, prod, staging");
        assertThat(head(bare)).isEqualTo(before);
    }

    @Test
    void anOverlayWithoutKustomizationIsNamedInTheRepositoryNotInTheTemporaryCheckout() throws Exception {
        // given an overlay path that is a directory of the repository but holds no kustomization
        Promotion promotion = promotion(bare.toString()).overlayPath("deploy/kustomize/overlays");

        // when / then the message names the repository and the path inside it, and what to do
        assertThatThrownBy(promotion::call)
                .isInstanceOf(OverlayException.class)
                .hasMessageStartingWith(bare + " deploy/kustomize/overlays: has no kustomization file.")
                .hasMessageContaining("add one to it")
                .satisfies(e -> assertThat(Stream.iterate(e, c -> c != null, Throwable::getCause).map(String::valueOf))
                        .noneMatch(text -> text.contains(dir.resolve("work").toString())));
        assertThat(head(bare)).isEqualTo(before);
    }

    @Test
    void anOverlayEditThatFailsNamesTheFileInTheRepository() throws Exception {
        List<ImagePin> unknown = List.of(pin("ghcr.io/org/not-in-the-overlay", "r1"));
        assertThatThrownBy(promotion(bare.toString()).images(unknown).edit(pinning(unknown))::call)
                .isInstanceOf(OverlayException.class)
                .hasMessageStartingWith(bare + " deploy/kustomize/overlays/prod/kustomization.yaml")
                .satisfies(e -> assertThat(((OverlayException) e).file()).isEqualTo(bare + " deploy/kustomize/overlays/prod/kustomization.yaml"))
                .message().doesNotContain(dir.resolve("work").toString());
    }

    @Test
    void aTokenWrittenAsTheUserOfAnHttpUrlIsNeverShown() throws Exception {
        try (JGitHttpServer server = new JGitHttpServer(repositories)) {
            String url = server.url("gitops.git").replace("http://", "http://" + TOKEN + "@");

            // the message is what the CLI and the steps show (JGit's own exceptions, kept as causes, still quote the URL)
            assertThatThrownBy(promotion(url)::call)
                    .isInstanceOf(GitOpsException.class)
                    .hasMessageStartingWith(server.url("gitops.git") + ": ")
                    .message().doesNotContain(TOKEN);
        }
    }

    @Test
    void aBranchThatIsNotThereGivesAClearError() throws Exception {
        assertThatThrownBy(promotion(bare.toString()).branch("release")::call)
                .isInstanceOf(GitOpsException.class)
                .hasMessageContaining("there is no branch release")
                .hasMessageContaining("Name the branch Argo CD follows");
        assertThat(head(bare)).isEqualTo(before);
    }

    @Test
    void aRepositoryThatIsNotThereGivesAClearError() {
        String missing = dir.resolve("nothing-here.git").toString();
        assertThatThrownBy(promotion(missing)::call)
                .isInstanceOf(GitOpsException.class)
                .hasMessageStartingWith(missing + ": ")
                .hasMessageContaining("there is no git repository there");
    }

    @Test
    void anOverlayEditThatFailsLeavesNoCommit() throws Exception {
        List<ImagePin> unknown = List.of(pin("ghcr.io/org/not-in-the-overlay", "r1"));
        assertThatThrownBy(promotion(bare.toString()).images(unknown).edit(pinning(unknown))::call)
                .isInstanceOf(OverlayException.class)
                .hasMessageContaining("ghcr.io/org/not-in-the-overlay").hasMessageContaining("--add-missing");
        assertThat(head(bare)).isEqualTo(before);
    }

    private void hook(String name, String body) throws Exception {
        Path hook = bare.resolve("hooks").resolve(name);
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
