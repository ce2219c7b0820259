package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.commits;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pin;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pinning;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty promotions at once, each of a different image in the same overlay file, to one repository on a real server:
 * every one lands exactly once, none is lost, and the overlay ends up pinning all twenty.
 */
class ConcurrentPromotionTest {

    private static final int PROMOTIONS = 20;
    private static final List<String> IMAGES = IntStream.range(0, PROMOTIONS)
            .mapToObj(i -> "ghcr.io/org/service-" + i).toList();

    @TempDir
    Path dir;

    @Test
    void twentyConcurrentPromotionsToJGitsHttpServerAllLandOnceEach() throws Exception {
        Path repositories = Files.createDirectories(dir.resolve("srv"));
        Path bare = GitOpsFixtures.seedBareRepository(repositories.resolve("gitops.git"), IMAGES);
        try (JGitHttpServer server = new JGitHttpServer(repositories)) {
            promoteAllAtOnce(bare, pins -> new Promotion().repository(server.url("gitops.git"))
                    .credentials(GitCredentials.token(JGitHttpServer.USER, JGitHttpServer.PASSWORD)));
        }
    }

    @Test
    void twentyConcurrentPromotionsToCGitDaemonAllLandOnceEach() throws Exception {
        Path repositories = Files.createDirectories(dir.resolve("srv"));
        Path bare = GitOpsFixtures.seedBareRepository(repositories.resolve("gitops.git"), IMAGES);
        try (GitDaemon daemon = new GitDaemon(repositories)) {
            promoteAllAtOnce(bare, pins -> new Promotion().repository(daemon.url("gitops.git")));
        }
    }

    private void promoteAllAtOnce(Path bare, Function<ImagePin, Promotion> server) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PROMOTIONS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PromotionResult>> results = new ArrayList<>();
        try {
            for (String image : IMAGES) {
                ImagePin release = pin(image, "release-of-" + image);
                results.add(pool.submit(() -> {
                    start.await();
                    return server.apply(release).environment("prod").images(List.of(release))
                            .edit(pinning(List.of(release))).workDirectory(dir.resolve("work")).call();
                }));
            }
            start.countDown();
            int raced = 0;
            for (Future<PromotionResult> result : results) {
                assertThat(result.get().changed()).isTrue();
                raced += result.get().attempts() > 1 ? 1 : 0;
            }
            assertThat(raced).as("promotions that had to fetch and push again").isPositive();
        } finally {
            pool.shutdownNow();
        }

        List<RevCommit> commits = commits(bare);
        assertThat(commits).hasSize(PROMOTIONS + 1);
        List<String> promoted = commits.subList(0, PROMOTIONS).stream()
                .flatMap(c -> c.getFooterLines(PromotionTrailers.IMAGE).stream()).toList();
        assertThat(promoted).containsExactlyInAnyOrderElementsOf(
                IMAGES.stream().map(i -> pin(i, "release-of-" + i).toString()).toList());
        assertThat(commits.subList(0, PROMOTIONS)).allSatisfy(c -> assertThat(c.getParentCount()).isEqualTo(1));

        Path check = dir.resolve("check");
        GitOpsFixtures.run(dir, "git", "clone", "-q", bare.toString(), check.toString());
        assertThat(GitOpsFixtures.pinsIn(check.resolve("deploy/kustomize/overlays/prod"))).containsExactlyElementsOf(
                IMAGES.stream().map(i -> pin(i, "release-of-" + i)).toList());
    }
}
