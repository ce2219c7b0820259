package io.jenkins.plugins.securedelivery.signing.keyless;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Who must have signed: cosign's {@code --certificate-identity-regexp} and {@code --certificate-oidc-issuer}. The
 * identity pattern must match the certificate's whole subject alternative name (an e-mail or a URI such as a
 * workflow or service-account URL), as sigstore-java matches it; the issuer must equal the Fulcio issuer extension.
 *
 * @param identity regular expression the whole certificate identity must match
 * @param issuer   the OIDC issuer URL, compared exactly
 */
public record KeylessPolicy(Pattern identity, String issuer) {

    public KeylessPolicy {
        if (identity == null) {
            throw new KeylessInputException("--certificate-identity", "no identity pattern was given",
                    "Give a regular expression for the signer, e.g. https://jenkins\\.example\\.com/.*");
        }
        if (issuer == null || issuer.isBlank()) {
            throw new KeylessInputException("--certificate-oidc-issuer", "no OIDC issuer was given",
                    "Give the issuer URL of the signer's tokens, e.g. https://kubernetes.default.svc");
        }
    }

    /** A policy from the command line's strings; an invalid regular expression is refused with the reason. */
    public static KeylessPolicy of(String identityRegex, String issuer) {
        try {
            return new KeylessPolicy(identityRegex == null ? null : Pattern.compile(identityRegex), issuer);
        } catch (PatternSyntaxException e) {
            throw new KeylessInputException("--certificate-identity", "'" + identityRegex
                    + "' is not a valid regular expression (" + e.getDescription() + ")",
                    "Fix the pattern (Java regular expression syntax)", e);
        }
    }
}
