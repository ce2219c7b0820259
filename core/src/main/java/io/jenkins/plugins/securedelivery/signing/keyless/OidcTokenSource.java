package io.jenkins.plugins.securedelivery.signing.keyless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the OIDC identity token for Fulcio comes from: a file (e.g. a projected Kubernetes service-account token,
 * which the kubelet rotates, so it is read again on every use) or an environment variable. The token is checked for
 * the shape of a JWT and for expiry before it is sent; it never appears in a message or in {@link #toString()}.
 */
public final class OidcTokenSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String description;
    private final Reader reader;

    @FunctionalInterface
    private interface Reader {
        String read() throws IOException;
    }

    private OidcTokenSource(String description, Reader reader) {
        this.description = description;
        this.reader = reader;
    }

    /** The token in this file, read again on every use. */
    public static OidcTokenSource file(Path file) {
        return new OidcTokenSource("OIDC token file " + file, () -> Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The token in this environment variable of the current process. */
    public static OidcTokenSource environment(String variable) {
        return environment(variable, System.getenv());
    }

    /** The token in this variable of the given environment (the CLI's, or a build's). */
    public static OidcTokenSource environment(String variable, Map<String, String> environment) {
        Function<String, String> lookup = environment::get;
        return new OidcTokenSource("OIDC token variable " + variable, () -> lookup.apply(variable));
    }

    /** Reads the token now and checks it is an unexpired JWT with an issuer; the token itself is returned only. */
    String read(Clock clock) {
        String token;
        try {
            token = reader.read();
        } catch (IOException e) {
            throw new KeylessInputException(description, "cannot be read (" + e.getClass().getSimpleName() + ")",
                    "Mount the token (e.g. a projected service-account token with the Fulcio audience) or give another "
                            + "source");
        }
        if (token == null || token.isBlank()) {
            throw new KeylessInputException(description, "is missing or empty",
                    "Set it to an OIDC identity token for your Fulcio's audience");
        }
        token = token.strip();
        String[] parts = token.split("\\.", -1);
        JsonNode claims = null;
        if (parts.length == 3) {
            try {
                claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            } catch (IOException | IllegalArgumentException e) {
                claims = null;
            }
        }
        if (claims == null || !claims.isObject()) {
            throw new KeylessInputException(description, "does not hold a JWT (three base64url parts with JSON claims)",
                    "Give the raw identity token, not a file of another kind");
        }
        if (!claims.path("iss").isTextual()) {
            throw new KeylessInputException(description, "holds a JWT without an issuer (iss)",
                    "Give an OIDC identity token; Fulcio needs its issuer");
        }
        if (!claims.path("exp").canConvertToLong()) {
            throw new KeylessInputException(description, "holds a JWT without an expiry (exp)",
                    "Give an OIDC identity token; Fulcio refuses tokens without expiry");
        }
        Instant expiry = Instant.ofEpochSecond(claims.path("exp").asLong());
        Instant now = clock.instant();
        if (!expiry.isAfter(now)) {
            throw new KeylessInputException(description, "holds a token of " + claims.path("iss").asText()
                    + " that expired at " + expiry + " (" + Duration.between(expiry, now).toSeconds() + " s ago)",
                    "Give a fresh token; a projected token is refreshed by the kubelet, check its expirationSeconds");
        }
        return token;
    }

    @Override
    public String toString() {
        return description;
    }
}
