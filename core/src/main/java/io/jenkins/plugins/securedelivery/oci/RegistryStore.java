package io.jenkins.plugins.securedelivery.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A registry over HTTP, as the OCI distribution spec 1.1 describes it. Registries without the referrers API (such as
 * distribution 2.8) are served through the tag-schema fallback index {@code sha256-<hex>}.
 *
 * <p>Written on {@link HttpClient} because neither the ORAS Java SDK nor jib-core retries, counts requests, or falls
 * back to the referrers tag schema (docs/registry.md, "Which library, and why").
 */
public final class RegistryStore implements OciStore {

    private static final String MANIFEST_ACCEPT = String.join(", ", ReferrersIndex.OCI_MANIFEST, ReferrersIndex.OCI_INDEX,
            ReferrersIndex.DOCKER_MANIFEST, ReferrersIndex.DOCKER_LIST);
    private static final Pattern CHALLENGE_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int FALLBACK_WRITE_ATTEMPTS = 3;

    /**
     * How to reach registries.
     *
     * @param plainHttp http:// instead of https:// (for a registry on loopback or in a test)
     * @param caFile    PEM file of CA certificates to trust instead of the JVM's, or null
     * @param username  for basic auth or a bearer token endpoint, or null for anonymous
     * @param password  never printed
     * @param retries   further attempts after a connection failure, a 429 or a 5xx (never after another 4xx)
     * @param backoff   wait before the first retry; doubled for each next one
     */
    public record Options(boolean plainHttp, Path caFile, String username, String password, int retries, Duration backoff) {

        public Options {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be 0 or more, not " + retries);
            }
            backoff = backoff == null ? Duration.ZERO : backoff;
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException("Registry credentials need both a username and a password");
            }
        }

        /** HTTPS with the JVM's trusted CAs, anonymous, 3 retries starting at 200 ms. */
        public static Options defaults() {
            return new Options(false, null, null, null, 3, Duration.ofMillis(200));
        }

        public Options withPlainHttp() {
            return new Options(true, caFile, username, password, retries, backoff);
        }

        public Options withCaFile(Path caFile) {
            return new Options(plainHttp, caFile, username, password, retries, backoff);
        }

        public Options withCredentials(String username, String password) {
            return new Options(plainHttp, caFile, username, password, retries, backoff);
        }

        public Options withRetries(int retries, Duration backoff) {
            return new Options(plainHttp, caFile, username, password, retries, backoff);
        }

        @Override
        public String toString() {
            return "Options[plainHttp=" + plainHttp + ", caFile=" + caFile + ", username=" + username
                    + ", password=" + (password == null ? "none" : "***") + ", retries=" + retries + ", backoff=" + backoff + "]";
        }
    }

    private final Options options;
    private final HttpClient http;
    private final AtomicLong requests = new AtomicLong();
    /** Authorization header per registry (basic) or per registry and repository (bearer), learnt from challenges. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();
    /** Registries known to answer 404 to the referrers API: asked once, then served from the fallback tag. */
    private final Map<String, Boolean> withoutReferrersApi = new ConcurrentHashMap<>();
    /** Blobs this store pushed or found, as registry/repository@digest: not asked about or sent again. */
    private final Set<String> blobsKnown = ConcurrentHashMap.newKeySet();
    private static final int UPLOAD_WITHOUT_ASKING = 64 * 1024;

    public RegistryStore(Options options) throws RegistryException {
        this.options = options;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (options.caFile() != null) {
            builder.sslContext(trusting(options.caFile()));
        }
        this.http = builder.build();
    }

    /** How many HTTP requests this store has sent, counting retries and token requests. */
    public long requests() {
        return requests.get();
    }

    @Override
    public Descriptor resolve(ImageReference reference) throws IOException {
        HttpResponse<byte[]> response = send("HEAD", manifestUri(reference, reference.manifestReference()), reference, false,
                Map.of("Accept", MANIFEST_ACCEPT), null);
        if (response.statusCode() != 200) {
            throw failure(response, reference, "resolving");
        }
        Optional<String> digest = response.headers().firstValue("Docker-Content-Digest");
        if (digest.isEmpty()) {
            // The header is optional in the spec: fetch the manifest and hash it.
            Manifest manifest = manifest(reference).orElseThrow(() -> notFound(reference));
            return new Descriptor(manifest.mediaType(), manifest.digest(), manifest.bytes().length, null, Map.of());
        }
        if (reference.isDigest() && !reference.digest().equals(digest.get())) {
            throw mismatch(reference, reference.digest(), digest.get());
        }
        return new Descriptor(contentType(response).orElse(ReferrersIndex.OCI_MANIFEST), digest.get(),
                response.headers().firstValueAsLong("Content-Length").orElse(0), null, Map.of());
    }

    @Override
    public Optional<Manifest> manifest(ImageReference reference) throws IOException {
        HttpResponse<byte[]> response = send("GET", manifestUri(reference, reference.manifestReference()), reference, false,
                Map.of("Accept", MANIFEST_ACCEPT), null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw failure(response, reference, "fetching the manifest of");
        }
        byte[] bytes = response.body();
        String digest = ContentDigest.of(bytes);
        String expected = reference.isDigest() ? reference.digest() : response.headers().firstValue("Docker-Content-Digest").orElse(digest);
        if (!expected.equals(digest)) {
            throw mismatch(reference, expected, digest);
        }
        String mediaType = contentType(response).orElseGet(() -> null);
        if (mediaType == null || mediaType.equals("application/json")) {
            mediaType = ReferrersIndex.mediaTypeOf(bytes, ReferrersIndex.OCI_MANIFEST, "Manifest of " + reference);
        }
        return Optional.of(new Manifest(mediaType, bytes, digest));
    }

    @Override
    public byte[] blob(ImageReference repository, String digest) throws IOException {
        ImageReference at = repository.withDigest(digest);
        HttpResponse<byte[]> response = send("GET", repositoryUri(repository, "/blobs/" + digest), repository, false, Map.of(), null);
        if (response.statusCode() != 200) {
            throw failure(response, at, "fetching the blob");
        }
        String actual = ContentDigest.of(response.body());
        if (!actual.equals(digest)) {
            throw mismatch(at, digest, actual);
        }
        return response.body();
    }

    @Override
    public String pushBlob(ImageReference repository, byte[] content) throws IOException {
        String digest = ContentDigest.of(content);
        ImageReference at = repository.withDigest(digest);
        String known = repository.name() + "@" + digest;
        if (blobsKnown.contains(known)) {
            return digest;
        }
        // Asking first pays for large blobs (a layer pushed again is not sent again). Signatures, bundles and configs
        // are small and almost always new: uploading them at once saves the HEAD that would answer 404.
        if (content.length > UPLOAD_WITHOUT_ASKING) {
            HttpResponse<byte[]> head = send("HEAD", repositoryUri(repository, "/blobs/" + digest), repository, true, Map.of(), null);
            if (head.statusCode() == 200) {
                blobsKnown.add(known);
                return digest;
            }
            if (head.statusCode() != 404) {
                throw failure(head, at, "checking for the blob");
            }
        }
        HttpResponse<byte[]> started = send("POST", repositoryUri(repository, "/blobs/uploads/"), repository, true, Map.of(), new byte[0]);
        Optional<String> location = started.headers().firstValue("Location");
        if (started.statusCode() != 202 || location.isEmpty()) {
            throw failure(started, at, "starting the upload of");
        }
        URI upload = repositoryUri(repository, "/").resolve(location.get());
        String separator = upload.toString().contains("?") ? "&" : "?";
        URI put = URI.create(upload + separator + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpResponse<byte[]> finished = send("PUT", put, repository, true, Map.of("Content-Type", "application/octet-stream"), content);
        if (finished.statusCode() != 201) {
            throw failure(finished, at, "uploading the blob");
        }
        blobsKnown.add(known);
        return digest;
    }

    @Override
    public Descriptor pushManifest(ImageReference reference, byte[] manifest, String mediaType) throws IOException {
        return put(reference, manifest, mediaType).descriptor();
    }

    @Override
    public List<Descriptor> referrers(ImageReference subject, String artifactType) throws IOException {
        requireDigest(subject);
        if (!withoutReferrersApi.containsKey(subject.registry())) {
            String query = artifactType == null ? "" : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
            HttpResponse<byte[]> response = send("GET", repositoryUri(subject, "/referrers/" + subject.digest() + query), subject, false,
                    Map.of("Accept", ReferrersIndex.OCI_INDEX), null);
            if (response.statusCode() == 200) {
                return ReferrersIndex.ofType(ReferrersIndex.entries(response.body(), "Referrers of " + subject), artifactType);
            }
            if (response.statusCode() != 404) {
                throw failure(response, subject, "listing the referrers of");
            }
            // A registry with the API answers 200 even when nothing refers to the subject (spec 1.1): 404 means no API.
            withoutReferrersApi.put(subject.registry(), Boolean.TRUE);
        }
        Optional<Manifest> index = manifest(fallbackReference(subject));
        if (index.isEmpty()) {
            return List.of();
        }
        return ReferrersIndex.ofType(ReferrersIndex.entries(index.get().bytes(), "Referrers index " + fallbackReference(subject)), artifactType);
    }

    /**
     * Stores the manifest by digest; when the registry does not confirm with {@code OCI-Subject} that it indexed the
     * subject, adds the manifest to the fallback index {@code sha256-<hex>} too.
     *
     * <p>The fallback index is read, merged and written back; registries offer no conditional write, so two writers
     * can race. After writing, the index's digest is read back: if another writer replaced it meanwhile, the entry
     * is merged again into what is there now (up to 3 times). A writer that reads the index before another's write
     * and writes after that writer's check can still drop its entry; re-running the push (idempotent) restores it.
     */
    @Override
    public Descriptor pushReferrer(ImageReference subject, byte[] manifest, String mediaType) throws IOException {
        requireDigest(subject);
        String named = ReferrersIndex.subjectOf(manifest, "Referrer manifest for " + subject);
        if (!subject.digest().equals(named)) {
            throw new IllegalArgumentException("Referrer manifest names subject " + named + ", not " + subject
                    + ": set its \"subject\" to the image's descriptor");
        }
        Stored stored = put(subject.withDigest(ContentDigest.of(manifest)), manifest, mediaType);
        if (stored.indexedBySubject()) {
            return stored.descriptor();
        }
        ImageReference fallback = fallbackReference(subject);
        for (int attempt = 0; attempt < FALLBACK_WRITE_ATTEMPTS; attempt++) {
            Optional<Manifest> current = manifest(fallback);
            if (current.isPresent() && ReferrersIndex.entries(current.get().bytes(), "Referrers index " + fallback).stream()
                    .anyMatch(d -> d.digest().equals(stored.descriptor().digest()))) {
                return stored.descriptor();
            }
            byte[] index = ReferrersIndex.with(current.map(Manifest::bytes).orElse(null), stored.descriptor(), "Referrers index " + fallback);
            put(fallback, index, ReferrersIndex.OCI_INDEX);
            if (resolve(fallback).digest().equals(ContentDigest.of(index))) {
                return stored.descriptor();
            }
        }
        throw new RegistryException(0, "Referrers index " + fallback + " kept changing while adding " + stored.descriptor().digest()
                + ": other writers are updating it; push the referrer again");
    }

    private record Stored(Descriptor descriptor, boolean indexedBySubject) {}

    private Stored put(ImageReference reference, byte[] manifest, String mediaType) throws IOException {
        String digest = ContentDigest.of(manifest);
        if (reference.tag() == null && reference.isDigest() && !reference.digest().equals(digest)) {
            throw new IllegalArgumentException("Manifest to push under " + reference + " has digest " + digest
                    + ": push it under its own digest or a tag");
        }
        Descriptor descriptor = ReferrersIndex.describe(manifest, mediaType, "Manifest to push to " + reference);
        String target = reference.tag() != null ? reference.tag() : digest;
        HttpResponse<byte[]> response = send("PUT", manifestUri(reference, target), reference, true, Map.of("Content-Type", mediaType), manifest);
        if (response.statusCode() != 201) {
            throw failure(response, reference, "pushing the manifest to");
        }
        return new Stored(descriptor, response.headers().firstValue("OCI-Subject").isPresent());
    }

    private static ImageReference fallbackReference(ImageReference subject) {
        return subject.withTag(ContentDigest.fallbackTag(subject.digest()));
    }

    private static void requireDigest(ImageReference subject) {
        if (!subject.isDigest()) {
            throw new IllegalArgumentException("Subject " + subject + " has no digest: resolve the tag first (referrers are by digest)");
        }
    }

    // ---- HTTP: retries, authentication, errors ----

    private HttpResponse<byte[]> send(String method, URI uri, ImageReference reference, boolean push, Map<String, String> headers,
            byte[] body) throws IOException {
        boolean authenticated = false;
        int attempt = 0;
        while (true) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            String authorization = authorization(reference);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<byte[]> response;
            try {
                response = exchange(request.build(), reference);
            } catch (RegistryException e) {
                if (e.getCause() instanceof SSLException || attempt >= options.retries()) {
                    throw e;
                }
                pause(attempt++);
                continue;
            }
            int status = response.statusCode();
            if (status == 401 && !authenticated) {
                authenticated = true;
                if (authenticate(response, reference, push)) {
                    continue;
                }
            }
            if ((status == 429 || status >= 500) && attempt < options.retries()) {
                pause(attempt++);
                continue;
            }
            return response;
        }
    }

    private HttpResponse<byte[]> exchange(HttpRequest request, ImageReference reference) throws IOException {
        requests.incrementAndGet();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (SSLException e) {
            throw new RegistryException(0, "TLS with registry " + reference.registry() + " failed (" + e.getMessage()
                    + "): give the registry's CA certificate as a PEM file (caFile), or use plain HTTP for a registry that serves http://", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while talking to registry " + reference.registry());
        } catch (IOException e) {
            throw new RegistryException(0, "Cannot reach registry " + reference.registry() + " at " + request.uri().resolve("/")
                    + " after " + (options.retries() + 1) + " attempts (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "): check the address, that the registry is running, and whether it serves plain HTTP", e);
        }
    }

    private void pause(int attempt) throws InterruptedIOException {
        long millis = options.backoff().toMillis() << Math.min(attempt, 10);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    private String authorization(ImageReference reference) {
        String perRepository = authorizations.get(reference.registry() + "/" + reference.repository());
        return perRepository != null ? perRepository : authorizations.get(reference.registry());
    }

    /**
     * Answers a 401's WWW-Authenticate challenge: basic credentials, or a bearer token from the named endpoint
     * (anonymous when there are no credentials, as public registries grant pull tokens). False when there is
     * nothing to answer with: the 401 then goes back to the caller.
     */
    private boolean authenticate(HttpResponse<byte[]> challenge, ImageReference reference, boolean push) throws IOException {
        String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
        boolean bearer = header.regionMatches(true, 0, "Bearer", 0, 6);
        String basic = options.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (options.username() + ":" + options.password()).getBytes(StandardCharsets.UTF_8));
        if (!bearer) {
            if (basic == null) {
                return false;
            }
            authorizations.put(reference.registry(), basic);
            return true;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAMETER.matcher(header);
        while (m.find()) {
            parameters.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = parameters.get("realm");
        if (realm == null) {
            throw new RegistryException(401, "Registry " + reference.registry() + " asked for a bearer token without naming a realm: it is misconfigured");
        }
        StringBuilder query = new StringBuilder();
        if (parameters.containsKey("service")) {
            query.append("service=").append(URLEncoder.encode(parameters.get("service"), StandardCharsets.UTF_8));
        }
        // A push, or any request of a client with credentials, asks for pull and push at once: signing starts with a
        // read (the tag), and a token per step would cost a challenge and a token request each. The token service
        // grants what the user may (a read-only account gets a pull token), as the distribution token spec says.
        String scope = push || basic != null ? "repository:" + reference.repository() + ":pull,push"
                : parameters.getOrDefault("scope", "repository:" + reference.repository() + ":pull");
        query.append(query.length() == 0 ? "" : "&").append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        HttpRequest.Builder tokenRequest = HttpRequest.newBuilder(tokenUri).GET().timeout(Duration.ofMinutes(1));
        if (basic != null) {
            tokenRequest.header("Authorization", basic);
        }
        HttpResponse<byte[]> response = exchange(tokenRequest.build(), reference);
        if (response.statusCode() != 200) {
            throw failure(response, reference, "getting a token for");
        }
        JsonNode token = ReferrersIndex.parse(response.body(), "Token answer of " + realm);
        String value = token.path("token").asText(token.path("access_token").asText(""));
        if (value.isEmpty()) {
            throw new RegistryException(0, "Token endpoint " + realm + " answered without a token: check the registry's auth setup");
        }
        authorizations.put(reference.registry() + "/" + reference.repository(), "Bearer " + value);
        return true;
    }

    private RegistryException failure(HttpResponse<byte[]> response, ImageReference reference, String doing) {
        int status = response.statusCode();
        String codes = errorCodes(response.body());
        String answer = " (HTTP " + status + (codes.isEmpty() ? "" : " " + codes) + ")";
        String registry = reference.registry();
        String message = switch (status) {
            case 401 -> options.username() == null
                    ? "Registry " + registry + " needs credentials for " + doing + " " + reference + answer + ": give a username and password"
                    : "Registry " + registry + " refused the credentials of user '" + options.username() + "' for " + doing + " "
                            + reference + answer + ": check the username and password";
            case 403 -> "Registry " + registry + " denied " + doing + " " + reference + answer
                    + ": the account needs " + (doing.startsWith("push") || doing.contains("upload") ? "push" : "pull")
                    + " permission on " + reference.repository();
            case 404 -> "Nothing found " + doing + " " + reference + answer
                    + ": check the registry, repository and tag or digest, or push it first";
            default -> "Registry " + registry + " failed " + doing + " " + reference + answer
                    + (status == 429 || status >= 500 ? " after " + (options.retries() + 1) + " attempts: try again later" : ": the request was refused as shown");
        };
        return new RegistryException(status, message);
    }

    private static RegistryException notFound(ImageReference reference) {
        return new RegistryException(404, "Nothing found resolving " + reference + ": check the registry, repository and tag or digest, or push it first");
    }

    private static RegistryException mismatch(ImageReference reference, String expected, String actual) {
        return new RegistryException(0, "Content of " + reference + " does not match its digest: expected " + expected + ", got " + actual
                + ": the registry or something between altered it; do not use it, and report it to the registry's operators");
    }

    /** The distribution spec's error codes (e.g. MANIFEST_UNKNOWN) of an error body; never echoes the body itself. */
    private static String errorCodes(byte[] body) {
        if (body == null || body.length == 0 || body[0] != '{') {
            return "";
        }
        try {
            List<String> codes = new ArrayList<>();
            for (JsonNode error : ReferrersIndex.json().readTree(body).path("errors")) {
                codes.add(error.path("code").asText());
            }
            return String.join(", ", codes);
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<String> contentType(HttpResponse<byte[]> response) {
        return response.headers().firstValue("Content-Type").map(v -> v.split(";")[0].trim()).filter(v -> !v.isEmpty());
    }

    private URI manifestUri(ImageReference reference, String target) {
        return repositoryUri(reference, "/manifests/" + target);
    }

    private URI repositoryUri(ImageReference reference, String path) {
        String host = reference.registry().equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : reference.registry();
        return URI.create((options.plainHttp() ? "http://" : "https://") + host + "/v2/" + reference.repository() + path);
    }

    private static SSLContext trusting(Path caFile) throws RegistryException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new RegistryException(0, "CA file " + caFile + " holds no certificate: give a PEM file with BEGIN CERTIFICATE blocks");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new RegistryException(0, "CA file " + caFile + " cannot be read (" + e.getMessage() + "): give a readable PEM file", e);
        } catch (GeneralSecurityException e) {
            throw new RegistryException(0, "CA file " + caFile + " is not a PEM certificate (" + e.getMessage()
                    + "): give the registry's CA certificate in PEM", e);
        }
    }

    @Override
    public String toString() {
        return "RegistryStore" + options;
    }
}
