package io.jenkins.plugins.securedelivery.gitops;

import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.APP;
import static io.jenkins.plugins.securedelivery.gitops.GitOpsFixtures.pin;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.securedelivery.metrics.DoraFormat;
import io.jenkins.plugins.securedelivery.metrics.DoraMetrics;
import io.jenkins.plugins.securedelivery.metrics.Window;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DORA figures of an environment come from its GitOps history alone: real promotions and a real rollback are
 * committed to a bare repository, read back from their trailers, and measured.
 */
class DoraMetricsFromGitTest {

    @TempDir
    Path dir;

    @Test
    void promotionsAndARollbackReadBackFromGitGiveTheirDoraFigures() throws Exception {
        Path bare = GitOpsFixtures.seedBareRepository(dir.resolve("gitops.git"), List.of(APP));
        String url = bare.toUri().toString();
        Instant sourceCommittedAt = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);

        new Promotion().repository(url).environment("prod").images(List.of(pin(APP, "release-1")))
                .editor(pins -> new OverlayEditor(pins, false)).workDirectory(dir.resolve("work"))
                .sourceCommit("1111111").sourceCommittedAt(sourceCommittedAt).call();
        new Promotion().repository(url).environment("prod").images(List.of(pin(APP, "release-2")))
                .editor(pins -> new OverlayEditor(pins, false)).workDirectory(dir.resolve("work")).call();
        new Rollback().repository(url).environment("prod").previous()
                .editor(pins -> new OverlayEditor(pins, false)).workDirectory(dir.resolve("work")).call();

        List<Deployment> history = new DeploymentHistory().repository(url).environment("prod").call();
        assertThat(history).hasSize(3);
        Deployment rollback = history.get(0);
        Deployment release2 = history.get(1);
        Deployment release1 = history.get(2);
        assertThat(rollback.rollbackOf()).isEqualTo(release2.commit());

        DoraMetrics m = DoraMetrics.of("prod", history,
                Window.last(Duration.ofDays(1), Instant.now().plus(Duration.ofMinutes(1))));

        assertThat(m.deploymentFrequency().deployments()).isEqualTo(2);
        assertThat(m.deploymentFrequency().rollbacks()).isEqualTo(1);
        assertThat(m.leadTimeForChanges().measured()).isEqualTo(1);
        assertThat(m.leadTimeForChanges().withoutSourceTime()).isEqualTo(1);
        assertThat(m.leadTimeForChanges().median())
                .isEqualTo(Duration.between(sourceCommittedAt, release1.deployedAt()));
        assertThat(m.changeFailureRate().failed()).isEqualTo(1);
        assertThat(m.changeFailureRate().rate()).isEqualTo(0.5);
        assertThat(m.timeToRestore().restores()).isEqualTo(1);
        assertThat(m.timeToRestore().median()).isEqualTo(Duration.between(release2.deployedAt(), rollback.deployedAt()));
        assertThat(DoraFormat.TEXT.render(m)).contains("1 of 2 deployments rolled back");
    }
}
