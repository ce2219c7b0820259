package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.gitops.CommitSigning;
import io.jenkins.plugins.securedelivery.gitops.GitOpsException;
import io.jenkins.plugins.securedelivery.gitops.OverlayEditor;
import io.jenkins.plugins.securedelivery.gitops.PromotionResult;
import io.jenkins.plugins.securedelivery.gitops.Rollback;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secure-delivery rollback}: restores an earlier release of an environment in one commit. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Roll an environment back: one commit restoring every image of an earlier release, with trailers that",
                "mark it a rollback and name the bad release. Prints the commit."})
final class RollbackCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin GitOpsOptions gitops;

    @Option(names = "--previous", description = "Back to the release before the current one (skipping releases already rolled back).")
    boolean previous;

    @Option(names = "--to", paramLabel = "COMMIT", description = "Back to the release of this GitOps commit (a unique prefix will do).")
    String to;

    @Option(names = "--run-url", paramLabel = "URL", description = "The pipeline run that rolls back.")
    String runUrl;

    @Option(names = "--author", paramLabel = "NAME <EMAIL>", description = "Author and committer of the commit.")
    String author;

    @Mixin
    CommitSigningOptions signing;

    @Override
    public Integer call() throws Exception {
        if (previous == (to != null)) {
            throw new GitOpsException("rollback", previous ? "--previous and --to were both given" : "no target was given",
                    "give --previous, or --to COMMIT (see `secure-delivery history`)");
        }
        Rollback rollback = gitops.configure(new Rollback());
        if (previous) {
            rollback.previous();
        } else {
            rollback.to(to);
        }
        rollback.editor(pins -> new OverlayEditor(pins, false)).runUrl(runUrl);
        Authors.apply(author, rollback::author);
        CommitSigning commitSigning = signing.signing();
        if (commitSigning != null) {
            rollback.signing(commitSigning);
        }
        PromotionResult result = rollback.call();
        spec.commandLine().getErr().println(result.summary());
        spec.commandLine().getOut().println(result.commit());
        return 0;
    }
}
