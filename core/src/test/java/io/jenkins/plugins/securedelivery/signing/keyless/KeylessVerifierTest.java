package io.jenkins.plugins.securedelivery.signing.keyless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.signing.keyless.KeylessVerdict.Check;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessVerdict.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bundles from Sigstore's public-good instance with the trusted root in effect when they were made (see
 * src/test/resources/signing/keyless/public-good/README.md for their origin). Verification is offline.
 */
class KeylessVerifierTest {

    private static final Path SAMPLES = Path.of("src/test/resources/signing/keyless/public-good");
    /** sha256 of artifact.txt: what both bundles sign. */
    private static final String ARTIFACT = "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
    private static final KeylessPolicy GOOGLE_SIGNER = KeylessPolicy.of(".*@google\\.com", "https://accounts.google.com");
    private static final KeylessPolicy GITHUB_WORKFLOW = KeylessPolicy.of(
            "https://github\\.com/loosebazooka/aa-test/\\.github/workflows/.*@refs/heads/main",
            "https://token.actions.githubusercontent.com");

    private final KeylessVerifier verifier = KeylessVerifier.fromTrustedRoot(SAMPLES.resolve("trusted_root.json"));

    private static byte[] sample(String name) throws Exception {
        return Files.readAllBytes(SAMPLES.resolve(name));
    }

    private static Check check(KeylessVerdict verdict, Kind kind) {
        return verdict.checks().stream().filter(c -> c.kind() == kind).findFirst().orElseThrow();
    }

    @Test
    void aMessageSignatureBundleFromThePublicGoodInstancePassesEveryCheck() throws Exception {
        KeylessVerdict verdict = verifier.verify(sample("bundle.v3.sigstore"), ARTIFACT, GOOGLE_SIGNER);

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(verdict.checks()).extracting(Check::kind).containsExactly(Kind.values());
        assertThat(check(verdict, Kind.IDENTITY).actual()).isEqualTo("appu@google.com");
        assertThat(check(verdict, Kind.TRANSPARENCY_LOG).actual()).startsWith("log index ");
    }

    @Test
    void aDsseInTotoBundleFromAGithubWorkflowPassesForTheDigestOfItsSubject() throws Exception {
        KeylessVerdict verdict = verifier.verify(sample("bundle.dsse.sigstore"), ARTIFACT, GITHUB_WORKFLOW);

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(check(verdict, Kind.SIGNATURE).expected()).contains("DSSE in-toto statement");
    }

    @Test
    void aWrongIdentityPatternFailsTheIdentityCheckSayingWhoSigned() throws Exception {
        KeylessVerdict verdict = verifier.verify(sample("bundle.v3.sigstore"), ARTIFACT,
                KeylessPolicy.of("https://jenkins\\.example\\.com/.*", "https://accounts.google.com"));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.failures()).containsExactly(new Check(Kind.IDENTITY, false,
                "identity matching /https://jenkins\\.example\\.com/.*/", "appu@google.com"));
    }

    @Test
    void anIdentityPatternMustMatchTheWholeIdentityNotAPart() throws Exception {
        KeylessVerdict verdict = verifier.verify(sample("bundle.v3.sigstore"), ARTIFACT,
                KeylessPolicy.of("google\\.com", "https://accounts.google.com"));

        assertThat(verdict.failures()).extracting(Check::kind).containsExactly(Kind.IDENTITY);
    }

    @Test
    void aWrongIssuerFailsTheIssuerCheckWithExpectedAndActual() throws Exception {
        KeylessVerdict verdict = verifier.verify(sample("bundle.v3.sigstore"), ARTIFACT,
                KeylessPolicy.of(".*@google\\.com", "https://token.actions.githubusercontent.com"));

        assertThat(verdict.failures()).containsExactly(new Check(Kind.ISSUER, false,
                "issuer https://token.actions.githubusercontent.com", "https://accounts.google.com"));
    }

    @Test
    void aTamperedArtifactFailsTheSignatureAndSigstoreChecks() throws Exception {
        String other = "sha256:" + "0".repeat(64);

        KeylessVerdict verdict = verifier.verify(sample("bundle.v3.sigstore"), other, GOOGLE_SIGNER);

        assertThat(verdict.failures()).extracting(Check::kind).containsExactly(Kind.SIGNATURE, Kind.SIGSTORE);
        assertThat(check(verdict, Kind.SIGNATURE).toString())
                .isEqualTo("FAIL SIGNATURE: expected a signature over " + other + ", found a signature over " + ARTIFACT);
    }

    @Test
    void aDsseBundleForAnotherSubjectFails() throws Exception {
        KeylessVerdict verdict = verifier.verify(sample("bundle.dsse.sigstore"), "sha256:" + "1".repeat(64),
                GITHUB_WORKFLOW);

        assertThat(verdict.passed()).isFalse();
        assertThat(check(verdict, Kind.SIGNATURE).actual()).isEqualTo("subjects [" + ARTIFACT + "]");
    }

    @Test
    void aBundleWhoseSignatureWasAlteredFails() throws Exception {
        String bundle = new String(sample("bundle.v3.sigstore"), StandardCharsets.UTF_8);
        String signature = bundle.replaceAll("(?s).*\"signature\":\\s*\"([^\"]+)\".*", "$1");
        // Another valid-looking DER signature: swap in the same bytes with one base64 character changed.
        char flipped = signature.charAt(20) == 'A' ? 'B' : 'A';
        String altered = bundle.replace(signature, signature.substring(0, 20) + flipped + signature.substring(21));

        KeylessVerdict verdict = verifier.verify(altered.getBytes(StandardCharsets.UTF_8), ARTIFACT, GOOGLE_SIGNER);

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.failures()).extracting(Check::kind).contains(Kind.SIGNATURE, Kind.SIGSTORE);
    }

    @Test
    void aBundleWithAnAlteredLogEntryFailsTheTransparencyLogCheck() throws Exception {
        String bundle = new String(sample("bundle.v3.sigstore"), StandardCharsets.UTF_8);
        String altered = bundle.replaceFirst("\"integratedTime\":\\s*\"(\\d+)\"", "\"integratedTime\": \"1700000000\"");
        assertThat(altered).isNotEqualTo(bundle);

        KeylessVerdict verdict = verifier.verify(altered.getBytes(StandardCharsets.UTF_8), ARTIFACT, GOOGLE_SIGNER);

        assertThat(verdict.failures()).extracting(Check::kind).contains(Kind.TRANSPARENCY_LOG, Kind.SIGSTORE);
    }

    @Test
    void aBundleCheckedAgainstAnotherDeploymentsTrustedRootFailsTheChain(@TempDir Path dir) throws Exception {
        // The same public-good root with its Fulcio CAs removed: nothing can chain to it.
        String root = Files.readString(SAMPLES.resolve("trusted_root.json"));
        String noCas = root.replaceAll("(?s)\"certificateAuthorities\":\\s*\\[.*?\\]\\s*,\\s*\"ctlogs\"",
                "\"certificateAuthorities\": [], \"ctlogs\"");
        assertThat(noCas).isNotEqualTo(root);
        Path other = Files.writeString(dir.resolve("trusted_root.json"), noCas);

        KeylessVerdict verdict = KeylessVerifier.fromTrustedRoot(other)
                .verify(sample("bundle.v3.sigstore"), ARTIFACT, GOOGLE_SIGNER);

        assertThat(verdict.failures()).extracting(Check::kind).contains(Kind.CERTIFICATE_CHAIN, Kind.SIGSTORE);
    }

    @Test
    void garbageIsNotABundle() {
        KeylessVerdict verdict = verifier.verify("{\"not\":\"a bundle\"}".getBytes(StandardCharsets.UTF_8), ARTIFACT,
                GOOGLE_SIGNER);

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.checks()).extracting(Check::kind).containsExactly(Kind.BUNDLE);
    }

    @Test
    void anUnreadableTrustedRootIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> KeylessVerifier.fromTrustedRoot(missing))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageStartingWith(missing + ": the trusted root file does not exist or cannot be read");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "not json");
        assertThatThrownBy(() -> KeylessVerifier.fromTrustedRoot(garbage))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageStartingWith(garbage + ": is not a Sigstore trusted root");
    }

    @Test
    void aTagOrAnInvalidPatternIsRefusedBeforeVerifying() {
        assertThatThrownBy(() -> verifier.verify(new byte[0], "latest", GOOGLE_SIGNER))
                .isInstanceOf(KeylessInputException.class).hasMessageContaining("'latest' is not a sha256 digest");
        assertThatThrownBy(() -> KeylessPolicy.of("(unclosed", "https://accounts.google.com"))
                .isInstanceOf(KeylessInputException.class).hasMessageContaining("'(unclosed' is not a valid regular");
    }
}
