package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import jenkins.MasterToSlaveFileCallable;

/**
 * What a step does on the agent that holds the workspace, in one call: the workspace is created there first (a
 * stage's agent allocates it without creating it), a refusal of the engine comes back as its message
 * ({@link AgentStepExecution#agentFailure}), and the lines logged reach the build log before the step ends.
 */
abstract class AgentWork<T> extends MasterToSlaveFileCallable<T> {

    private static final long serialVersionUID = 1L;

    final TaskListener listener;

    AgentWork(TaskListener listener) {
        this.listener = listener;
    }

    @Override
    public final T invoke(File workspace, VirtualChannel channel) throws IOException {
        try {
            Files.createDirectories(workspace.toPath());
            return work(workspace);
        } catch (RuntimeException | IOException e) {
            throw AgentStepExecution.agentFailure(e);
        } finally {
            // The agent's copy of the log is buffered: what it printed would otherwise reach the build log late, or not at all.
            listener.getLogger().flush();
        }
    }

    abstract T work(File workspace) throws IOException;
}
