package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * A step that resolves its settings and credentials on the controller, does its work on the agent that holds the
 * workspace (one {@code FilePath.act}), and records the outcome on the run. Short work, so synchronous, off the CPS
 * thread; a restart of the controller in the middle fails the step rather than repeating half of it.
 */
abstract class AgentStepExecution extends SynchronousNonBlockingStepExecution<Object> {

    private static final long serialVersionUID = 1L;

    static final Set<Class<?>> CONTEXT = Set.of(Run.class, FilePath.class, TaskListener.class);

    AgentStepExecution(StepContext context) {
        super(context);
    }

    @Override
    protected final Object run() throws Exception {
        // CONTEXT is the descriptors' required context: Pipeline refuses the step outside node { } before it starts.
        StepContext context = getContext();
        // The workspace is created by the work on the agent (AgentWork), not by a call of its own.
        return run(context.get(Run.class), context.get(FilePath.class), context.get(TaskListener.class));
    }

    abstract Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception;

    /**
     * Creates the directory {@code file} goes in: a step may name an output in a directory that nothing has written yet,
     * and the engine writes only into directories that exist.
     */
    static Path withParentDirectories(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return file;
    }

    /**
     * What an agent sends back when the engine refuses: its message (which names the input and the fix) without the
     * engine's exception classes, which the controller does not deserialize, and without a stack trace for bad input.
     */
    static IOException agentFailure(Exception e) {
        if (e instanceof AbortException abort) {
            return abort;
        }
        if (e instanceof NoSuchFileException missing) {
            return new AbortException(missing.getFile() + ": no such file or directory: check the path, or write it before this step");
        }
        String type = e.getClass().getName();
        if (type.startsWith("io.jenkins.plugins.securedelivery.") || e instanceof IllegalArgumentException) {
            return new AbortException(e.getMessage());
        }
        IOException unexpected = new IOException(type + ": " + e.getMessage());
        unexpected.setStackTrace(e.getStackTrace());
        return unexpected;
    }
}
