package io.jenkins.plugins.securedelivery.signing.keyless;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstore.AlgorithmRegistry;
import dev.sigstore.KeylessSignerException;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.oidc.client.OidcClients;
import dev.sigstore.oidc.client.TokenStringOidcClient;
import dev.sigstore.trustroot.Service;
import dev.sigstore.trustroot.SigstoreConfigurationException;
import dev.sigstore.trustroot.SigstoreSigningConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keyless signing through a (private) Sigstore deployment with sigstore-java: an ephemeral P-256 key, a certificate
 * from Fulcio for the OIDC token's identity, an entry in Rekor; the result is a Sigstore bundle (JSON bytes).
 *
 * <p>What sigstore-java 2.0.0 can sign, and so what this signs:
 * <ul>
 *   <li>{@link #signDigest}: a message signature over a sha256 digest (hashedrekord), with Rekor v1 or v2.</li>
 *   <li>{@link #attest} and {@link #signImage}: an in-toto Statement v1 in DSSE. sigstore-java signs DSSE only
 *       through a Rekor v2 log with a timestamp authority; the signing config must list both.</li>
 * </ul>
 * Fulcio and Rekor calls time out after sigstore-java's fixed 60 s; a refused connection fails at once.
 */
public final class KeylessSigner implements AutoCloseable {

    /** The predicate type of cosign v3's image signature statement. */
    public static final String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";

    private static final Pattern SHA256 = Pattern.compile("sha256:([0-9a-f]{64})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path signingConfigFile;
    private final OidcTokenSource token;
    private final Clock clock;
    private final URI fulcio;
    private final URI rekor;
    private final URI timestampAuthority;
    private final boolean dsse;
    private final dev.sigstore.KeylessSigner sigstore;

    private KeylessSigner(Path signingConfigFile, OidcTokenSource token, Clock clock, URI fulcio, URI rekor,
            URI timestampAuthority, boolean dsse, dev.sigstore.KeylessSigner sigstore) {
        this.signingConfigFile = signingConfigFile;
        this.token = token;
        this.clock = clock;
        this.fulcio = fulcio;
        this.rekor = rekor;
        this.timestampAuthority = timestampAuthority;
        this.dsse = dsse;
        this.sigstore = sigstore;
    }

    /**
     * A signer for the deployment these files describe. Nothing is contacted yet.
     *
     * @param trustedRootJson   the deployment's trusted_root.json (Fulcio CAs, CT logs, Rekor keys, TSAs)
     * @param signingConfigJson the deployment's signing_config.json (Fulcio, Rekor and TSA URLs)
     * @param token             where the OIDC token comes from
     */
    public static KeylessSigner create(Path trustedRootJson, Path signingConfigJson, OidcTokenSource token) {
        return create(trustedRootJson, signingConfigJson, token, Clock.systemUTC());
    }

    static KeylessSigner create(Path trustedRootJson, Path signingConfigJson, OidcTokenSource token, Clock clock) {
        var trustedRoot = KeylessVerifier.TrustedRootFile.read(trustedRootJson);
        SigstoreSigningConfig config = readSigningConfig(signingConfigJson);
        URI fulcio = Service.select(config.getCas(), List.of(1)).map(Service::getUrl).orElseThrow(() ->
                new KeylessInputException(signingConfigJson.toString(), "lists no current Fulcio (caUrls, API v1)",
                        "Add your Fulcio's URL to caUrls with majorApiVersion 1"));
        Optional<Service> rekorV2 = Service.select(config.getTLogs(), List.of(2));
        Optional<Service> tsa = Service.select(config.getTsas(), List.of(1));
        boolean dsse = rekorV2.isPresent() && tsa.isPresent();
        URI rekor = (dsse ? rekorV2 : Service.select(config.getTLogs(), List.of(1))).map(Service::getUrl)
                .orElseThrow(() -> new KeylessInputException(signingConfigJson.toString(),
                        "lists no current Rekor log (rekorTlogUrls, API v1, or v2 with a TSA)",
                        "Add your Rekor's URL to rekorTlogUrls"));
        try {
            var sigstore = dev.sigstore.KeylessSigner.builder()
                    .trustedRootProvider(() -> trustedRoot)
                    .signingConfigProvider(() -> config)
                    .enableRekorV2(dsse)
                    // The token is read again whenever sigstore-java needs a new certificate (a rotated token).
                    .forceCredentialProviders(OidcClients.of(TokenStringOidcClient.from(() -> token.read(clock))))
                    .signingAlgorithm(AlgorithmRegistry.SigningAlgorithm.PKIX_ECDSA_P256_SHA_256)
                    .build();
            return new KeylessSigner(signingConfigJson, token, clock, fulcio, rekor,
                    tsa.map(Service::getUrl).orElse(null), dsse, sigstore);
        } catch (Exception e) {
            throw new KeylessInputException(signingConfigJson.toString(), "sigstore-java cannot sign with it and "
                    + trustedRootJson + " (" + e.getMessage() + ")",
                    "Give the trusted root and signing config of the same deployment", e);
        }
    }

    private static SigstoreSigningConfig readSigningConfig(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new KeylessInputException(file.toString(), "the signing config file does not exist or cannot be read",
                    "Give the path of the signing_config.json your Sigstore deployment publishes");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return SigstoreSigningConfig.from(in);
        } catch (IOException | SigstoreConfigurationException | RuntimeException e) {
            throw new KeylessInputException(file.toString(), "is not a Sigstore signing config (" + e.getMessage() + ")",
                    "Give the signing_config.json (media type application/vnd.dev.sigstore.signingconfig.v0.2+json)", e);
        }
    }

    /** Signs a sha256 digest (e.g. an image manifest's) as a message signature; returns the bundle JSON. */
    public byte[] signDigest(String sha256Digest) {
        var hex = sha256Digest == null ? null : SHA256.matcher(sha256Digest);
        if (hex == null || !hex.matches()) {
            throw new KeylessInputException("digest", "'" + sha256Digest + "' is not a sha256 digest",
                    "Give sha256: followed by 64 lower-case hex digits (resolve a tag to its digest first)");
        }
        token.read(clock);
        try {
            return json(sigstore.sign(HexFormat.of().parseHex(hex.group(1))));
        } catch (KeylessSignerException | RuntimeException e) {
            throw failure(e);
        }
    }

    /**
     * Signs an image the way cosign v3 does: an in-toto Statement v1 with predicate type
     * {@value #COSIGN_SIGN_PREDICATE}, subject the image by manifest digest, in DSSE. Needs Rekor v2 and a TSA.
     *
     * @param repository the image's repository as the subject name, e.g. {@code registry.example.com/team/app}
     */
    public byte[] signImage(String repository, String manifestDigest) {
        var hex = manifestDigest == null ? null : SHA256.matcher(manifestDigest);
        if (hex == null || !hex.matches()) {
            throw new KeylessInputException("manifest digest", "'" + manifestDigest + "' is not a sha256 digest",
                    "Give sha256: followed by 64 lower-case hex digits (resolve a tag to its digest first)");
        }
        ObjectNode statement = JSON.createObjectNode();
        statement.put("_type", dev.sigstore.KeylessSigner.DEFAULT_INTOTO_PAYLOAD_TYPE);
        ObjectNode subject = statement.putArray("subject").addObject();
        subject.put("name", repository);
        subject.putObject("digest").put("sha256", hex.group(1));
        statement.put("predicateType", COSIGN_SIGN_PREDICATE);
        statement.putObject("predicate");
        return attest(statement.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Signs an in-toto Statement v1 (JSON bytes) in DSSE; returns the bundle JSON. Needs Rekor v2 and a TSA. */
    public byte[] attest(byte[] statementJson) {
        if (!dsse) {
            throw new KeylessInputException(signingConfigFile.toString(),
                    "lists no Rekor v2 log with a timestamp authority, and sigstore-java 2.0.0 signs DSSE "
                            + "(attestations, cosign v3 image signatures) only through those",
                    "Add rekorTlogUrls with majorApiVersion 2 and tsaUrls, or sign the digest as a message signature");
        }
        token.read(clock);
        try {
            return json(sigstore.attest(new String(statementJson, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw new KeylessInputException("statement", e.getMessage(),
                    "Give an in-toto Statement v1 with at least one named subject");
        } catch (KeylessSignerException | RuntimeException e) {
            throw failure(e);
        }
    }

    private static byte[] json(Bundle bundle) {
        return bundle.toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** Names the service that failed, from sigstore-java's step, with the root cause; the token is in none. */
    private KeylessSigningException failure(Exception e) {
        String step = e.getMessage() == null ? "" : e.getMessage();
        String service;
        // Fulcio is the only gRPC service; sigstore-java lets gRPC's runtime exceptions through unwrapped.
        if (step.contains("signing certificate") || e.getClass().getName().startsWith("io.grpc.")) {
            service = "Fulcio at " + fulcio;
        } else if (step.contains("rekor")) {
            service = "Rekor at " + rekor;
        } else if (step.contains("timestamp")) {
            service = "the timestamp authority at " + timestampAuthority;
        } else {
            service = "the Sigstore deployment of " + signingConfigFile;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof KeylessInputException input) {
            return new KeylessSigningException(input.getMessage(), input);
        }
        String message = "Signing failed at " + service + ": " + step
                + (root != e ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : "")
                + ". Check that it is reachable from here and that the trusted root is this deployment's";
        // A service's error text could echo what it was sent; the token must not travel on in a message.
        try {
            message = message.replace(token.read(clock), "[OIDC token]");
        } catch (KeylessInputException unreadableNow) {
            // nothing to redact that we can know of
        }
        // The cause chain is not kept for the same reason: its messages are not ours to vet.
        return new KeylessSigningException(message, null);
    }

    @Override
    public void close() {
        sigstore.close();
    }

    @Override
    public String toString() {
        return "keyless signer (Fulcio " + fulcio + ", Rekor " + rekor + ", token from " + token + ")";
    }
}
