package io.jenkins.plugins.securedelivery.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.gitops.Deployment;
import io.jenkins.plugins.securedelivery.gitops.DeploymentHistory;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secure-delivery history}: the releases of an environment, newest first, read from the commit trailers. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List the promotions and rollbacks of an environment, newest first, from the GitOps repository's commit trailers.")
final class HistoryCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin GitOpsOptions gitops;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() throws Exception {
        List<Deployment> history = gitops.configure(new DeploymentHistory()).call();
        PrintWriter out = spec.commandLine().getOut();
        if (format.equalsIgnoreCase("json")) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode list = json.createArrayNode();
            for (Deployment d : history) {
                ObjectNode node = list.addObject();
                node.put("commit", d.commit());
                node.put("deployedAt", d.deployedAt().toString());
                node.put("environment", d.environment());
                ArrayNode images = node.putArray("images");
                d.images().forEach(i -> images.addObject().put("name", i.name()).put("newName", i.newName()).put("digest", i.digest()));
                node.put("sourceRepository", d.sourceRepository());
                node.put("sourceCommit", d.sourceCommit());
                node.put("sourceCommittedAt", d.sourceCommittedAt() == null ? null : d.sourceCommittedAt().toString());
                node.put("runUrl", d.runUrl());
                d.approvers().forEach(node.putArray("approvers")::add);
                node.put("rollbackOf", d.rollbackOf());
            }
            out.println(json.writeValueAsString(list));
            return 0;
        }
        if (!format.equalsIgnoreCase("text")) {
            throw new io.jenkins.plugins.securedelivery.gitops.GitOpsException("--format " + format, "unknown format", "use text or json");
        }
        if (history.isEmpty()) {
            out.println(gitops.environment + ": no promotion recorded yet");
        }
        for (Deployment d : history) {
            out.printf("%s  %s  %-9s %s%s%n", d.commit().substring(0, 12), d.deployedAt(), d.isRollback() ? "ROLLBACK" : "promote",
                    String.join(", ", d.images().stream().map(i -> i.newName() + "@" + i.digest().substring(0, 19)).toList()),
                    d.isRollback() ? "  (replaces " + d.rollbackOf().substring(0, 12) + ")"
                            : d.sourceCommit() != null ? "  from " + d.sourceCommit().substring(0, Math.min(12, d.sourceCommit().length())) : "");
        }
        return 0;
    }
}
