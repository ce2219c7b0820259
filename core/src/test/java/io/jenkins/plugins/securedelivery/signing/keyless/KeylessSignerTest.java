package io.jenkins.plugins.securedelivery.signing.keyless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * There is no Fulcio or Rekor on this machine, and no stand-in is built for them: these tests cover everything up
 * to the first network call (token, trusted root, signing config) and what happens when Fulcio cannot be reached.
 * A successful keyless signature needs a real private Sigstore deployment.
 */
class KeylessSignerTest {

    private static final Path TRUSTED_ROOT = Path.of("src/test/resources/signing/keyless/public-good/trusted_root.json");
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path dir;

    /** An unsigned JWT of the shape a projected Kubernetes service-account token has; it is never sent anywhere. */
    private static String jwt(Instant expiry) {
        var encoder = Base64.getUrlEncoder().withoutPadding();
        String header = encoder.encodeToString("{\"alg\":\"RS256\",\"kid\":\"test\"}".getBytes(StandardCharsets.UTF_8));
        String claims = encoder.encodeToString(("{\"iss\":\"https://kubernetes.default.svc\","
                + "\"sub\":\"system:serviceaccount:ci:jenkins\",\"aud\":[\"sigstore\"],\"exp\":"
                + expiry.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + ".c2VjcmV0LXNpZ25hdHVyZS1wYXJ0";
    }

    /** A loopback port that nobody listens on: bound, read, released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Path signingConfig(int fulcioPort, String rekorUrls, String tsaUrls) throws IOException {
        return Files.writeString(dir.resolve("signing_config.json"), """
                {
                  "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
                  "caUrls": [{"url": "https://127.0.0.1:%d", "majorApiVersion": 1,
                              "validFor": {"start": "2024-01-01T00:00:00Z"}}],
                  "oidcUrls": [],
                  "rekorTlogUrls": [%s],
                  "tsaUrls": [%s],
                  "rekorTlogConfig": {"selector": "ANY"},
                  "tsaConfig": {"selector": "ANY"}
                }""".formatted(fulcioPort, rekorUrls, tsaUrls));
    }

    private static String service(int port, int apiVersion) {
        return "{\"url\": \"http://127.0.0.1:" + port + "\", \"majorApiVersion\": " + apiVersion
                + ", \"validFor\": {\"start\": \"2024-01-01T00:00:00Z\"}}";
    }

    private Path rekorV1Config(int fulcioPort) throws IOException {
        return signingConfig(fulcioPort, service(closedPort(), 1), "");
    }

    private Path tokenFile(String content) throws IOException {
        return Files.writeString(dir.resolve("token"), content);
    }

    @Test
    void anUnreachableFulcioFailsNamingItsUrlAndNeverTheToken() throws Exception {
        int fulcio = closedPort();
        String token = jwt(Instant.now().plusSeconds(600));
        var signer = KeylessSigner.create(TRUSTED_ROOT, rekorV1Config(fulcio), OidcTokenSource.file(tokenFile(token)));

        assertThatThrownBy(() -> signer.signDigest(DIGEST))
                .isInstanceOf(KeylessSigningException.class)
                .hasMessageStartingWith("Signing failed at Fulcio at https://127.0.0.1:" + fulcio + ": ")
                .hasMessageContaining("reachable")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token).doesNotContain("c2VjcmV0"));
    }

    @Test
    void anUnreachableFulcioAlsoFailsAnImageSignatureThroughRekorV2() throws Exception {
        int fulcio = closedPort();
        Path config = signingConfig(fulcio, service(closedPort(), 2), service(closedPort(), 1));
        var signer = KeylessSigner.create(TRUSTED_ROOT, config,
                OidcTokenSource.file(tokenFile(jwt(Instant.now().plusSeconds(600)))));

        assertThatThrownBy(() -> signer.signImage("registry.example.com/team/app", DIGEST))
                .isInstanceOf(KeylessSigningException.class)
                .hasMessageStartingWith("Signing failed at Fulcio at https://127.0.0.1:" + fulcio);
    }

    @Test
    void anAttestationNeedsARekorV2LogWithATimestampAuthority() throws Exception {
        Path config = rekorV1Config(closedPort());
        var signer = KeylessSigner.create(TRUSTED_ROOT, config,
                OidcTokenSource.file(tokenFile(jwt(Instant.now().plusSeconds(600)))));

        assertThatThrownBy(() -> signer.attest("{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageStartingWith(config + ": lists no Rekor v2 log with a timestamp authority");
    }

    @Test
    void aMissingTokenFileIsNamedBeforeAnythingIsContacted() throws Exception {
        Path missing = dir.resolve("no-token");
        var signer = KeylessSigner.create(TRUSTED_ROOT, rekorV1Config(closedPort()), OidcTokenSource.file(missing));

        assertThatThrownBy(() -> signer.signDigest(DIGEST))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageStartingWith("OIDC token file " + missing + ": cannot be read");
    }

    @Test
    void anExpiredTokenIsRefusedWithItsExpiryAndNotItsContent() throws Exception {
        String token = jwt(Instant.parse("2026-01-01T00:00:00Z"));
        var signer = KeylessSigner.create(TRUSTED_ROOT, rekorV1Config(closedPort()),
                OidcTokenSource.file(tokenFile(token)));

        assertThatThrownBy(() -> signer.signDigest(DIGEST))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageContaining("holds a token of https://kubernetes.default.svc that expired at 2026-01-01T00:00:00Z")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    }

    @Test
    void aGarbageTokenIsRefusedWithoutEchoingIt() throws Exception {
        var signer = KeylessSigner.create(TRUSTED_ROOT, rekorV1Config(closedPort()),
                OidcTokenSource.file(tokenFile("hunter2-not-a-jwt")));

        assertThatThrownBy(() -> signer.signDigest(DIGEST))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageContaining("does not hold a JWT")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void theTokenFileIsReadAgainOnEveryUseSoARotatedTokenIsPickedUp() throws Exception {
        int fulcio = closedPort();
        Path file = tokenFile(jwt(Instant.parse("2026-01-01T00:00:00Z")));
        var signer = KeylessSigner.create(TRUSTED_ROOT, rekorV1Config(fulcio), OidcTokenSource.file(file));
        assertThatThrownBy(() -> signer.signDigest(DIGEST)).hasMessageContaining("expired");

        Files.writeString(file, jwt(Instant.now().plusSeconds(600)));

        // The fresh token passes; signing now gets as far as Fulcio, which is not there.
        assertThatThrownBy(() -> signer.signDigest(DIGEST)).isInstanceOf(KeylessSigningException.class)
                .hasMessageContaining("Fulcio at https://127.0.0.1:" + fulcio);
    }

    @Test
    void aTokenVariableThatIsNotSetIsNamed() throws Exception {
        var signer = KeylessSigner.create(TRUSTED_ROOT, rekorV1Config(closedPort()),
                OidcTokenSource.environment("SIGSTORE_ID_TOKEN", Map.of()));

        assertThatThrownBy(() -> signer.signDigest(DIGEST))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageStartingWith("OIDC token variable SIGSTORE_ID_TOKEN: is missing or empty");
    }

    @Test
    void anUnreadableTrustedRootOrSigningConfigIsNamed() throws Exception {
        var token = OidcTokenSource.environment("T", Map.of());
        Path config = rekorV1Config(closedPort());
        Path noRoot = dir.resolve("trusted_root.json");
        assertThatThrownBy(() -> KeylessSigner.create(noRoot, config, token))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageStartingWith(noRoot + ": the trusted root file does not exist or cannot be read");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"mediaType\": 42");
        assertThatThrownBy(() -> KeylessSigner.create(TRUSTED_ROOT, garbage, token))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageStartingWith(garbage + ": is not a Sigstore signing config");
    }

    @Test
    void aTagIsNotADigest() throws Exception {
        var signer = KeylessSigner.create(TRUSTED_ROOT, rekorV1Config(closedPort()),
                OidcTokenSource.environment("T", Map.of()));

        assertThatThrownBy(() -> signer.signDigest("latest"))
                .isInstanceOf(KeylessInputException.class)
                .hasMessageContaining("'latest' is not a sha256 digest");
    }

    @Test
    void theSignerSaysWhereItSignsButNotWithWhat() throws Exception {
        String token = jwt(Instant.now().plusSeconds(600));
        int fulcio = closedPort();
        var signer = KeylessSigner.create(TRUSTED_ROOT, rekorV1Config(fulcio),
                OidcTokenSource.environment("SIGSTORE_ID_TOKEN", Map.of("SIGSTORE_ID_TOKEN", token)));

        assertThat(signer.toString()).contains("https://127.0.0.1:" + fulcio)
                .contains("OIDC token variable SIGSTORE_ID_TOKEN").doesNotContain(token);
    }
}
