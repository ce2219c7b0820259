package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Action;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What one kind of step did on a run, in the order it did it. A run holds at most one record of each kind; a
 * Jenkinsfile that signs three images adds three entries to the same record.
 */
abstract class RunRecord<E> implements Action {

    private final List<E> entries = new ArrayList<>();

    synchronized List<E> entries() {
        return List.copyOf(entries);
    }

    synchronized void add(E entry) {
        entries.add(entry);
    }

    static <A extends RunRecord<E>, E> void append(Run<?, ?> run, Class<A> kind, Supplier<A> create, E entry) {
        synchronized (run) {
            A record = run.getAction(kind);
            if (record == null) {
                record = create.get();
                run.addAction(record);
            }
            record.add(entry);
        }
    }

    /** Only a summary box on the run page and entries in its remote API: no page of its own. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
