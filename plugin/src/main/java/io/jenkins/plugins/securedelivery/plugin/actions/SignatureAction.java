package io.jenkins.plugins.securedelivery.plugin.actions;

import hudson.model.Run;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The images a run signed, attested or verified: by digest, with the key that signed or was trusted. */
@ExportedBean
public final class SignatureAction extends RunRecord<SignatureAction.Signature> {

    public static void record(Run<?, ?> run, Signature signature) {
        append(run, SignatureAction.class, SignatureAction::new, signature);
    }

    @Exported(visibility = 2)
    public List<Signature> getSignatures() {
        return entries();
    }

    @Override
    public String getDisplayName() {
        return "Signatures";
    }

    /** What the step did to the image; a verification that failed is recorded too, so the run page never shows it as passed. */
    public enum Kind {
        SIGNED, ATTESTED, VERIFIED, VERIFICATION_FAILED
    }

    @ExportedBean
    public static final class Signature {
        private final Kind kind;
        private final String image;
        private final String digest;
        private final String keyId;
        private final String predicateType;

        public Signature(Kind kind, String image, String digest, String keyId, String predicateType) {
            this.kind = kind;
            this.image = image;
            this.digest = digest;
            this.keyId = keyId;
            this.predicateType = predicateType;
        }

        @Exported(visibility = 3)
        public Kind getKind() {
            return kind;
        }

        /** The image by digest: registry/repository@sha256:... */
        @Exported(visibility = 3)
        public String getImage() {
            return image;
        }

        @Exported(visibility = 3)
        public String getDigest() {
            return digest;
        }

        /** The key's hint as Sigstore bundles name it (base64 SHA-256 of its public key), or the keyless identity policy. */
        @Exported(visibility = 3)
        public String getKeyId() {
            return keyId;
        }

        /** The attestation's predicate type; for verification, the attestations that were required (null when none were). */
        @Exported(visibility = 3)
        public String getPredicateType() {
            return predicateType;
        }
    }
}
