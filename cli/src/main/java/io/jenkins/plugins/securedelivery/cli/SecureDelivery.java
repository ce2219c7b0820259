package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.InputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code secure-delivery}: the supply-chain-secure delivery flow from a terminal or any CI.
 * Exit codes: 0 success, 1 a check or gate failed, 2 bad usage or bad input, 3 an internal error (a bug).
 */
@Command(name = "secure-delivery",
        mixinStandardHelpOptions = true,
        versionProvider = SecureDelivery.Version.class,
        description = "Supply-chain-secure GitOps delivery: SBOMs, signatures, attestations, quality gates, promotion by git, DORA metrics, approvals, notifications, evidence bundles and audit logs; canary analysis with rollback to git.",
        subcommands = {SbomCommand.class, SignCommand.class, AttestCommand.class, ProvenanceCommand.class, VerifyCommand.class,
                GateCommand.class, PromoteCommand.class, RollbackCommand.class, HistoryCommand.class, DoraCommand.class, CanaryCommand.class, ApprovalCommand.class,
                NotifyCommand.class, EvidenceCommand.class, AuditCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:a check or gate failed (invalid SBOM, missing components, quality gate...)",
                "2:bad usage or bad input (the message names the input and what to do)",
                "3:internal error: a bug, please report it with the stack trace"})
public final class SecureDelivery {

    static final int FAILED_CHECK = 1;
    static final int BAD_INPUT = 2;
    static final int INTERNAL_ERROR = 3;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its exit-code mapping; tests drive it in-process. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SecureDelivery());
        commandLine.setExecutionExceptionHandler(SecureDelivery::handle);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof InputException) {
            err.println("secure-delivery: " + e.getMessage());
            return BAD_INPUT;
        }
        if (e instanceof NoSuchFileException missing) {
            err.println("secure-delivery: " + missing.getFile() + ": no such file or directory. Check the path.");
            return BAD_INPUT;
        }
        if (e instanceof AccessDeniedException denied) {
            err.println("secure-delivery: " + denied.getFile() + ": permission denied. Give read (or, for outputs, write) permission.");
            return BAD_INPUT;
        }
        if (e instanceof IOException) {
            err.println("secure-delivery: " + e.getMessage());
            return BAD_INPUT;
        }
        err.println("secure-delivery: internal error, please report it with what follows:");
        e.printStackTrace(err);
        return INTERNAL_ERROR;
    }

    /** The version the build stamped into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SecureDelivery.class.getPackage().getImplementationVersion();
            return new String[] {"secure-delivery " + (version != null ? version : "development")};
        }
    }
}
