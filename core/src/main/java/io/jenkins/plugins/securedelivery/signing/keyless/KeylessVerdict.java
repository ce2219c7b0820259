package io.jenkins.plugins.securedelivery.signing.keyless;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of verifying one keyless bundle: every check, passed or failed, with what was expected and found.
 * It passes only when every check passed.
 *
 * @param checks the checks in the order they were made
 */
public record KeylessVerdict(List<Check> checks) {

    public KeylessVerdict {
        checks = List.copyOf(checks);
    }

    /** What is checked, in the words of cosign's verification. */
    public enum Kind {
        /** The bundle is a Sigstore bundle sigstore-java reads (v0.1 to v0.3, certificate-based). */
        BUNDLE,
        /** The signing certificate chains to a Fulcio CA of the trusted root, with valid embedded SCTs. */
        CERTIFICATE_CHAIN,
        /** The certificate's subject alternative name matches the policy's identity pattern. */
        IDENTITY,
        /** The certificate's Fulcio issuer extension equals the policy's issuer. */
        ISSUER,
        /** The Rekor entry's inclusion proof, checkpoint or SET verifies with the trusted root's log keys. */
        TRANSPARENCY_LOG,
        /** The signature verifies over the artifact digest (message signature) or the DSSE payload naming it. */
        SIGNATURE,
        /** sigstore-java's KeylessVerifier as a whole: the above plus log entry and timestamps matching the bundle. */
        SIGSTORE
    }

    /**
     * One check.
     *
     * @param kind     what was checked
     * @param passed   whether it passed
     * @param expected what the policy or the trusted root required
     * @param actual   what the bundle had, or why it could not be checked
     */
    public record Check(Kind kind, boolean passed, String expected, String actual) {
        @Override
        public String toString() {
            return (passed ? "PASS " : "FAIL ") + kind + ": expected " + expected + ", found " + actual;
        }
    }

    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    public List<Check> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** One line per check, for a terminal or a build log. */
    public String explain() {
        return checks.stream().map(Check::toString).collect(Collectors.joining("\n"));
    }
}
