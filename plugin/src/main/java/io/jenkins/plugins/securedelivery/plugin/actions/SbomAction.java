package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Run;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The SBOMs a run generated: what each describes, how many components and licences it found, whether it is complete. */
@ExportedBean
public final class SbomAction extends RunRecord<SbomAction.Sbom> {

    public static void record(Run<?, ?> run, Sbom sbom) {
        append(run, SbomAction.class, SbomAction::new, sbom);
    }

    @Exported(visibility = 2)
    public List<Sbom> getSboms() {
        return entries();
    }

    @Override
    public String getDisplayName() {
        return "SBOMs";
    }

    @ExportedBean
    public static final class Sbom {
        private final String file;
        private final String subject;
        private final int components;
        private final int licenses;
        private final int unlicensed;
        private final boolean incomplete;

        public Sbom(String file, String subject, int components, int licenses, int unlicensed, boolean incomplete) {
            this.file = file;
            this.subject = subject;
            this.components = components;
            this.licenses = licenses;
            this.unlicensed = unlicensed;
            this.incomplete = incomplete;
        }

        /** The SBOM file, relative to the workspace. */
        @Exported(visibility = 3)
        public String getFile() {
            return file;
        }

        @Exported(visibility = 3)
        public String getSubject() {
            return subject;
        }

        @Exported(visibility = 3)
        public int getComponents() {
            return components;
        }

        /** Distinct licences among the components. */
        @Exported(visibility = 3)
        public int getLicenses() {
            return licenses;
        }

        /** Components with no licence. */
        @Exported(visibility = 3)
        public int getUnlicensed() {
            return unlicensed;
        }

        @Exported(visibility = 3)
        public boolean isIncomplete() {
            return incomplete;
        }
    }
}
