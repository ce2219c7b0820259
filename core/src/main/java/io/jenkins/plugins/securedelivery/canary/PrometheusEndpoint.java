package io.jenkins.plugins.securedelivery.canary;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Where Prometheus answers and how to log in: its base URL (without {@code /api/v1}), an optional bearer token or
 * user and password, and how long one query may take. Credentials never appear in {@link #toString()} or in any
 * message; a password written into the URL ({@code https://user:secret@host}) is taken out of it.
 */
public final class PrometheusEndpoint {

    private final URI url;
    private final String bearerToken;
    private final String username;
    private final String password;
    private final Duration timeout;

    private PrometheusEndpoint(URI url, String bearerToken, String username, String password, Duration timeout) {
        this.url = url;
        this.bearerToken = bearerToken;
        this.username = username;
        this.password = password;
        this.timeout = timeout;
    }

    /**
     * @param url {@code http(s)://host:port[/path]}; user and password in it become basic authentication
     * @throws IllegalArgumentException naming the URL (without its password) when it is not an http(s) URL
     */
    public static PrometheusEndpoint of(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--prometheus: '" + withoutUserInfo(url) + "' is not a URL. Give http(s)://host:port of Prometheus");
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("--prometheus: '" + withoutUserInfo(url) + "' is not an http or https URL with a host."
                    + " Give http(s)://host:port of Prometheus");
        }
        String user = null;
        String secret = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            secret = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        URI base = URI.create(uri.getScheme().toLowerCase() + "://" + hostPort(uri) + path);
        return new PrometheusEndpoint(base, null, user, secret, Duration.ofSeconds(10));
    }

    public PrometheusEndpoint withBearerToken(String token) {
        return new PrometheusEndpoint(url, token, null, null, timeout);
    }

    public PrometheusEndpoint withBasicAuth(String user, String secret) {
        return new PrometheusEndpoint(url, null, user, secret, timeout);
    }

    /** How long one query may take, connecting included. Default 10 s. */
    public PrometheusEndpoint withTimeout(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("the Prometheus timeout must be positive, not " + limit);
        }
        return new PrometheusEndpoint(url, bearerToken, username, password, limit);
    }

    /** The base URL, never with credentials. */
    public URI url() {
        return url;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The value of the Authorization header, if any. Package-private: only the client sends it. */
    Optional<String> authorization() {
        if (bearerToken != null) {
            return Optional.of("Bearer " + bearerToken);
        }
        if (username != null) {
            return Optional.of("Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return url + (bearerToken != null ? " (bearer token)" : username != null ? " (user " + username + ")" : "");
    }

    private static String hostPort(URI uri) {
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    }

    private static String withoutUserInfo(String url) {
        return url.replaceFirst("//[^/@]*@", "//");
    }
}
