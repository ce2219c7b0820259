package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to reach a Kubernetes API server: a kubeconfig file (and a context in it), the pod's own service account, or an
 * API URL with a bearer token and the CA that signed the server's certificate. One connection makes one fabric8
 * client, shared by every watch that uses it; {@link #close()} closes it. Its {@code toString()} never shows a token.
 */
public final class KubernetesConnection implements AutoCloseable {

    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final int TIMEOUT_MILLIS = 10_000;

    private final String description;
    private final Supplier<KubernetesClient> factory;
    private final boolean owned;
    private KubernetesClient client;

    private KubernetesConnection(String description, Supplier<KubernetesClient> factory, boolean owned) {
        this.description = description;
        this.factory = factory;
        this.owned = owned;
    }

    /**
     * The cluster a kubeconfig file names, as kubectl reads it (exec and auth-provider plugins included).
     *
     * @param context the context to use, or null for the file's current-context
     */
    public static KubernetesConnection kubeconfig(Path file, String context) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KubernetesConnectionException("kubeconfig " + file, "cannot be read (" + e.getClass().getSimpleName()
                    + ")", "give the path of a readable kubeconfig file");
        }
        checkContext(file, text, context);
        Config config = Config.fromKubeconfig(context, text, file.toAbsolutePath().toString());
        return new KubernetesConnection("kubeconfig " + file + (context != null ? " context " + context : ""),
                () -> build(config), true);
    }

    /** The service account of the pod this runs in: its token (re-read as Kubernetes rotates it) and CA. */
    public static KubernetesConnection inCluster() {
        return inCluster(SERVICE_ACCOUNT, System.getenv());
    }

    static KubernetesConnection inCluster(Path serviceAccount, Map<String, String> environment) {
        String host = environment.get("KUBERNETES_SERVICE_HOST");
        String port = environment.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        if (host == null || host.isBlank()) {
            throw new KubernetesConnectionException("--in-cluster", "KUBERNETES_SERVICE_HOST is not set, so this is not"
                    + " running in a Kubernetes pod", "run it in a pod, or give a kubeconfig or an API URL and token");
        }
        Path token = serviceAccount.resolve("token");
        if (!Files.isReadable(token)) {
            throw new KubernetesConnectionException("--in-cluster", "the service account token " + token
                    + " is not readable", "mount the service account token (automountServiceAccountToken: true)");
        }
        String url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        return tokenFile(url, token, serviceAccount.resolve("ca.crt"));
    }

    /**
     * An API server by URL, with a bearer token read from a file on every request (so a rotated token is picked up).
     *
     * @param caFile the CA certificate (PEM) that signed the API server's certificate, or null for the JVM's trust
     *               store
     */
    public static KubernetesConnection tokenFile(String apiUrl, Path tokenFile, Path caFile) {
        Objects.requireNonNull(tokenFile, "tokenFile");
        if (!Files.isReadable(tokenFile)) {
            throw new KubernetesConnectionException("token file " + tokenFile, "is not readable",
                    "give the path of a file holding the bearer token");
        }
        return token(apiUrl, () -> {
            try {
                return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("the token file " + tokenFile + " could not be read", e);
            }
        }, caFile, "token from " + tokenFile);
    }

    /** An API server by URL, with a bearer token given as text (from a Jenkins secret, for instance). */
    public static KubernetesConnection token(String apiUrl, String token, Path caFile) {
        Objects.requireNonNull(token, "token");
        return token(apiUrl, () -> token, caFile, "a token (hidden)");
    }

    /** A client someone else made and closes (the Jenkins kubernetes plugin's, or a test server's). */
    public static KubernetesConnection of(KubernetesClient client) {
        Objects.requireNonNull(client, "client");
        return new KubernetesConnection("API " + client.getMasterUrl(), () -> client, false);
    }

    private static KubernetesConnection token(String apiUrl, Supplier<String> token, Path caFile, String what) {
        URI uri = apiUrl(apiUrl);
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new KubernetesConnectionException("CA file " + caFile, "is not readable",
                    "give the PEM certificate of the CA that signed the API server's certificate");
        }
        Config config = Config.empty();
        config.setMasterUrl(uri.toString());
        config.setOauthTokenProvider((OAuthTokenProvider) token::get);
        if (caFile != null) {
            config.setCaCertFile(caFile.toAbsolutePath().toString());
        }
        return new KubernetesConnection("API " + uri + " with " + what
                + (caFile != null ? " and CA " + caFile : " and the JVM's trusted CAs"), () -> build(config), true);
    }

    /** https only, but for loopback addresses: a bearer token must not cross a network in clear. */
    private static URI apiUrl(String apiUrl) {
        URI uri;
        try {
            uri = new URI(Objects.requireNonNull(apiUrl, "apiUrl"));
        } catch (URISyntaxException e) {
            throw new KubernetesConnectionException("API URL " + apiUrl, "is not a URL", "give https://HOST[:PORT]");
        }
        if (uri.getHost() == null || uri.getUserInfo() != null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw new KubernetesConnectionException("API URL " + apiUrl, "is not an https URL of a host",
                    "give https://HOST[:PORT], without credentials in it");
        }
        if ("http".equals(uri.getScheme()) && !loopback(uri.getHost())) {
            throw new KubernetesConnectionException("API URL " + apiUrl, "is plain http, which would send the token in"
                    + " clear", "give the https URL of the API server");
        }
        return uri;
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void checkContext(Path file, String text, String context) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new KubernetesConnectionException("kubeconfig " + file, "is not YAML", "give a kubeconfig file, as"
                    + " kubectl config view --raw writes it");
        }
        if (root == null || !root.path("clusters").isArray()) {
            throw new KubernetesConnectionException("kubeconfig " + file, "has no clusters list",
                    "give a kubeconfig file, as kubectl config view --raw writes it");
        }
        String wanted = context != null ? context : root.path("current-context").asText("");
        List<String> known = new ArrayList<>();
        root.path("contexts").forEach(c -> known.add(c.path("name").asText()));
        if (!known.contains(wanted)) {
            throw new KubernetesConnectionException("kubeconfig " + file, (context != null ? "has no context '" + context
                    + "'" : "names no current-context that it defines") + " (contexts there: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)) + ")", "name one of its contexts");
        }
    }

    private static KubernetesClient build(Config config) {
        config.setConnectionTimeout(TIMEOUT_MILLIS);
        // The request timeout is OkHttp's (WatchHttp): fabric8's own would keep a timer thread busy while watches poll.
        config.setRequestTimeout(0);
        // A watch polls again later; retrying inside one poll would only hold a shared scheduler thread.
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new WatchHttp.KubernetesClients(Duration.ofMillis(TIMEOUT_MILLIS))).build();
    }

    /** The shared client, made on first use. */
    public synchronized KubernetesClient client() {
        if (client == null) {
            client = factory.get();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null && owned) {
            client.close();
        }
        client = null;
    }

    @Override
    public String toString() {
        return description;
    }
}
