package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Run;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The promotions and rollbacks a run committed to GitOps repositories: environment, commit, images by digest. */
@ExportedBean
public final class PromotionAction extends RunRecord<PromotionAction.Promotion> {

    public static void record(Run<?, ?> run, Promotion promotion) {
        append(run, PromotionAction.class, PromotionAction::new, promotion);
    }

    @Exported(visibility = 2)
    public List<Promotion> getPromotions() {
        return entries();
    }

    @Override
    public String getDisplayName() {
        return "Promotions";
    }

    @ExportedBean
    public static final class Promotion {
        private final String environment;
        private final String commit;
        private final String commitUrl;
        private final boolean changed;
        private final String rollbackOf;
        private final List<String> images;

        public Promotion(String environment, String commit, String commitUrl, boolean changed, String rollbackOf, List<String> images) {
            this.environment = environment;
            this.commit = commit;
            this.commitUrl = commitUrl;
            this.changed = changed;
            this.rollbackOf = rollbackOf;
            this.images = List.copyOf(images);
        }

        @Exported(visibility = 3)
        public String getEnvironment() {
            return environment;
        }

        @Exported(visibility = 3)
        public String getCommit() {
            return commit;
        }

        /** A link to the commit, when the environment says how its repository links commits. */
        @Exported(visibility = 3)
        public String getCommitUrl() {
            return commitUrl;
        }

        /** False when the environment already ran exactly these images and nothing was committed. */
        @Exported(visibility = 3)
        public boolean isChanged() {
            return changed;
        }

        /** For a rollback, the commit of the release it undid. */
        @Exported(visibility = 3)
        public String getRollbackOf() {
            return rollbackOf;
        }

        /** NAME=NEWNAME@sha256:... as the overlay pins them. */
        @Exported(visibility = 3)
        public List<String> getImages() {
            return images;
        }
    }
}
