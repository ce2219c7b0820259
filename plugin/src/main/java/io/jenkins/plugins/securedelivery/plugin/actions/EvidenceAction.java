package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Run;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The evidence bundles a run wrote: the image they are about, the bundle's digest, where it was archived and pushed. */
@ExportedBean
public final class EvidenceAction extends RunRecord<EvidenceAction.Evidence> {

    public static void record(Run<?, ?> run, Evidence evidence) {
        append(run, EvidenceAction.class, EvidenceAction::new, evidence);
    }

    @Exported(visibility = 2)
    public List<Evidence> getBundles() {
        return entries();
    }

    @Override
    public String getDisplayName() {
        return "Evidence bundles";
    }

    @ExportedBean
    public static final class Evidence {
        private final String image;
        private final String bundle;
        private final String sha256;
        private final int files;
        private final String artifact;
        private final String verifiedWith;
        private final String pushedTo;

        public Evidence(String image, String bundle, String sha256, int files, String artifact, String verifiedWith, String pushedTo) {
            this.image = image;
            this.bundle = bundle;
            this.sha256 = sha256;
            this.files = files;
            this.artifact = artifact;
            this.verifiedWith = verifiedWith;
            this.pushedTo = pushedTo;
        }

        /** The image the evidence is about, by digest. */
        @Exported(visibility = 3)
        public String getImage() {
            return image;
        }

        /** The bundle in the workspace. */
        @Exported(visibility = 3)
        public String getBundle() {
            return bundle;
        }

        /** sha256:&lt;hex&gt; of the zip. */
        @Exported(visibility = 3)
        public String getSha256() {
            return sha256;
        }

        @Exported(visibility = 3)
        public int getFiles() {
            return files;
        }

        /** The bundle's path among the run's artifacts, or null when it was not archived. */
        @Exported(visibility = 3)
        public String getArtifact() {
            return artifact;
        }

        /** The hint (base64 SHA-256 of the public key) of the key the bundle's signature was verified with. */
        @Exported(visibility = 3)
        public String getVerifiedWith() {
            return verifiedWith;
        }

        /** The OCI artifact the bundle was pushed as, registry/repository@sha256:&lt;hex&gt;, or null. */
        @Exported(visibility = 3)
        public String getPushedTo() {
            return pushedTo;
        }
    }
}
