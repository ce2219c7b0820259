package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.securedelivery.gitops.PromotionResult;
import io.jenkins.plugins.securedelivery.gitops.ReleaseCommand;
import io.jenkins.plugins.securedelivery.plugin.actions.PromotionAction;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;

/** What promotion and rollback share: the run's URL and author on the commit, and how its outcome is recorded. */
final class ReleaseCommits {

    private static final Pattern IDENTITY = Pattern.compile("\\s*(.+?)\\s*<([^>]+)>\\s*");

    private ReleaseCommits() {
    }

    /** The commit's outcome in plain types for the controller. */
    record Outcome(String commit, boolean changed, String rollbackOf, List<String> images, String summary) implements Serializable {
        static Outcome of(PromotionResult result) {
            List<String> images = new ArrayList<>();
            result.images().forEach(pin -> images.add(pin.toString()));
            return new Outcome(result.commit(), result.changed(), result.rollbackOf(), images, result.summary());
        }
    }

    static String runUrl(Run<?, ?> run) {
        String root = Jenkins.get().getRootUrl();
        return root == null ? null : root + run.getUrl();
    }

    /** Checked on the controller so a typo fails before anything is cloned. */
    static void checkAuthor(String author) throws AbortException {
        if (author != null && !IDENTITY.matcher(author).matches()) {
            throw new AbortException("author: '" + author + "' is not a git identity: write it as \"Name <email>\", e.g. \"Release Bot <release@example.com>\"");
        }
    }

    static <C extends ReleaseCommand<C>> void applyAuthor(C command, String author) {
        if (author != null) {
            Matcher m = IDENTITY.matcher(author);
            if (m.matches()) {
                command.author(m.group(1), m.group(2));
            }
        }
    }

    static void record(Run<?, ?> run, GitAccess git, Outcome outcome) {
        PromotionAction.record(run, new PromotionAction.Promotion(git.environment(), outcome.commit(), git.linkTo(outcome.commit()),
                outcome.changed(), outcome.rollbackOf(), outcome.images()));
    }
}
