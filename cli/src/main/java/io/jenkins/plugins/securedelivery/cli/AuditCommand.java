package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.evidence.AuditEntry;
import io.jenkins.plugins.securedelivery.evidence.AuditLog;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secure-delivery audit}: an append-only, tamper-evident audit log. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Append to and verify an audit log: JSON lines, each holding the SHA-256 of the line before it.",
        subcommands = {AuditCommand.Append.class, AuditCommand.Verify.class})
final class AuditCommand {

    @Command(name = "append", mixinStandardHelpOptions = true,
            description = {"Append one entry (who did what to what), safely alongside other appenders. Prints the entry's hash, the log's new head.",
                    "Entries are read by every auditor: never put a password, token or key in them."})
    static final class Append implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--log", required = true, paramLabel = "FILE", description = "The audit log (created when absent).")
        Path log;

        @Option(names = "--actor", required = true, description = "Who acted: a user or service account.")
        String actor;

        @Option(names = "--action", required = true, description = "What was done, e.g. promote, approve, rollback.")
        String action;

        @Option(names = "--subject", required = true, description = "What it was done to, e.g. an image digest or an environment.")
        String subject;

        @Option(names = "--detail", paramLabel = "KEY=VALUE", description = "A further plain fact. Repeatable.")
        Map<String, String> details = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            AuditEntry entry = new AuditLog(log).append(actor, action, subject, details);
            spec.commandLine().getErr().println("appended entry " + entry.seq() + " to " + log);
            spec.commandLine().getOut().println(entry.hash());
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify the whole chain; names the first changed, deleted, inserted or reordered line.",
                    "Give --head (a hash append or verify printed earlier, kept elsewhere) to also detect entries cut off the end.",
                    "Exit 1 when the log is broken."})
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--log", required = true, paramLabel = "FILE", description = "The audit log.")
        Path log;

        @Option(names = "--head", paramLabel = "SHA256", description = "A head known from before: it must still be in the log.")
        String head;

        @Override
        public Integer call() throws Exception {
            AuditLog.Verification verification = new AuditLog(log).verify(head);
            (verification.intact() ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(verification.summary());
            return verification.intact() ? 0 : SecureDelivery.FAILED_CHECK;
        }
    }
}
