package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.gitops.DeploymentHistory;
import io.jenkins.plugins.securedelivery.gitops.GitOpsException;
import io.jenkins.plugins.securedelivery.metrics.DoraFormat;
import io.jenkins.plugins.securedelivery.metrics.DoraMetrics;
import io.jenkins.plugins.securedelivery.metrics.Window;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secure-delivery dora}: the four DORA figures of an environment, from its history alone. */
@Command(name = "dora", mixinStandardHelpOptions = true,
        description = {"DORA metrics of an environment from the GitOps history alone: deployment frequency, lead time for changes,",
                "change failure rate and time to restore (docs/dora.md defines each). Unknown, never zero, without data."})
final class DoraCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin GitOpsOptions gitops;

    @Option(names = "--since", defaultValue = "90d", paramLabel = "90d|2026-08-01", description = "The window: a length back from now, or a date. Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|prometheus", description = "Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() throws Exception {
        DoraFormat output;
        Window window;
        try {
            output = DoraFormat.named(format);
            window = Window.since(since, Instant.now());
        } catch (IllegalArgumentException e) {
            throw new GitOpsException("dora", e.getMessage(), "see `secure-delivery dora --help`");
        }
        DoraMetrics metrics = DoraMetrics.of(gitops.environment,
                gitops.configure(new DeploymentHistory()).since(window.from()).call(), window);
        spec.commandLine().getOut().print(output.render(metrics));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
