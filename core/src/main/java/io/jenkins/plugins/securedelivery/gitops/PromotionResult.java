package io.jenkins.plugins.securedelivery.gitops;

import java.util.List;

/**
 * What a promotion or rollback did.
 *
 * @param changed     false when the overlay already ran these images: nothing was committed
 * @param commit      the commit pushed; when nothing changed, the branch's commit the overlay was found at, or the
 *                    rollback this run had already made
 * @param branch      the branch of the GitOps repository
 * @param environment the environment promoted or rolled back
 * @param images      the images it now runs
 * @param rollbackOf  for a rollback, the release commit it replaced (also when this run had already rolled it back); else null
 * @param attempts    how many times it committed and pushed (more than one when others pushed first)
 */
public record PromotionResult(boolean changed, String commit, String branch, String environment,
        List<ImagePin> images, String rollbackOf, int attempts) {

    public PromotionResult {
        images = List.copyOf(images);
    }

    /** One line for a terminal or a build log. */
    public String summary() {
        String what = rollbackOf != null ? "rolled back " + environment + " (replacing " + abbreviate(rollbackOf) + ")"
                : "promoted " + images.size() + " image(s) to " + environment;
        if (changed) {
            return what + " in commit " + abbreviate(commit) + " on " + branch + (attempts > 1 ? " after " + attempts + " attempts" : "");
        }
        return rollbackOf != null
                ? environment + " was already rolled back by this run (replacing " + abbreviate(rollbackOf) + ") in commit "
                        + abbreviate(commit) + ": nothing to commit"
                : environment + " already runs these images (at " + abbreviate(commit) + "): nothing to commit";
    }

    private static String abbreviate(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}
