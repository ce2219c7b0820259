package io.jenkins.plugins.securedelivery.oci;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Counts registry round trips per operation against a real docker-registry, on the client (RegistryStore's request
 * counter) and on the server (one access-log line per request). Run by bench/registry.sh.
 */
public final class RegistryRoundTrips {

    private static final String BUNDLE_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private RegistryRoundTrips() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("registry-round-trips");
        System.out.printf(Locale.ROOT, "%-60s %7s %7s %8s  %s%n", "operation", "client", "server", "minimum", "why that minimum");
        try (LocalRegistry plain = LocalRegistry.plainHttp(work.resolve("plain"))) {
            run("plain HTTP, anonymous", plain, plain.options());
        }
        try (LocalRegistry secured = LocalRegistry.tlsWithBasicAuth(work.resolve("tls"), "bench", "bench-password")) {
            run("TLS + basic auth", secured, secured.options().withCredentials("bench", "bench-password"));
        }
        try (LocalRegistry tokens = LocalRegistry.plainHttpWithBearerTokens(work.resolve("token"), "bench", "bench-password")) {
            run("plain HTTP + bearer tokens (client counts token requests, the registry does not)", tokens,
                    tokens.options().withCredentials("bench", "bench-password"));
        }
    }

    private static void run(String scenario, LocalRegistry registry, RegistryStore.Options options) throws Exception {
        RegistryStore store = new RegistryStore(options);
        System.out.println("-- " + scenario + (scenario.equals("TLS + basic auth") ? " (a fresh store answers one 401 challenge first)" : ""));
        SampleImage image = SampleImage.ofDemoApp();
        ImageReference tag = registry.reference("bench/app:1.0");
        Counter counter = new Counter(store, registry);

        image.pushTo(store, tag);
        counter.report("push image (2 blobs + manifest), cold", 5,
                "per blob POST+PUT (2.8.2 ignores a one-request POST ?digest=) + PUT manifest");

        image.pushTo(store, tag);
        counter.report("push the same image again", 3, "HEAD per blob (skip upload) + PUT manifest");

        Descriptor resolved = store.resolve(tag);
        counter.report("resolve tag -> digest", 1, "HEAD manifest (Docker-Content-Digest)");

        ImageReference subject = tag.withDigest(resolved.digest());
        byte[] bundle = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"bench\":true}".getBytes(StandardCharsets.UTF_8);
        store.pushBlob(subject, SampleImage.EMPTY);
        store.pushBlob(subject, bundle);
        store.pushReferrer(subject, image.referrer(BUNDLE_TYPE, bundle, BUNDLE_TYPE), SampleImage.MANIFEST_TYPE);
        counter.report("sign + attach (1st signature, no API)", 7,
                "2 blobs x POST+PUT + PUT referrer + GET (404) and PUT of the sha256-<hex> index");

        byte[] statement = "{\"_type\":\"https://in-toto.io/Statement/v1\"}".getBytes(StandardCharsets.UTF_8);
        store.pushBlob(subject, SampleImage.EMPTY);
        store.pushBlob(subject, statement);
        store.pushReferrer(subject, image.referrer("application/vnd.in-toto+json", statement, "application/vnd.in-toto+json"),
                SampleImage.MANIFEST_TYPE);
        counter.report("attest (2nd referrer, empty config exists)", 5,
                "1 new blob POST+PUT + PUT referrer + GET and PUT of the index");

        RegistryStore verifier = new RegistryStore(options);
        counter.switchTo(verifier);
        Descriptor found = verifier.resolve(tag);
        List<Descriptor> signatures = verifier.referrers(tag.withDigest(found.digest()), BUNDLE_TYPE);
        Manifest signature = verifier.manifest(tag.withDigest(signatures.get(0).digest())).orElseThrow();
        verifier.blob(tag, layerDigest(signature));
        counter.report("verify (fresh client: resolve, referrers, manifest, bundle)", 4,
                "HEAD tag + list referrers (1 GET, API or fallback tag) + GET referrer manifest + GET bundle blob");

        found = verifier.resolve(tag);
        signatures = verifier.referrers(tag.withDigest(found.digest()), BUNDLE_TYPE);
        signature = verifier.manifest(tag.withDigest(signatures.get(0).digest())).orElseThrow();
        verifier.blob(tag, layerDigest(signature));
        counter.report("verify again (same client)", 4, "as above; the referrers-API probe is remembered");
    }

    private static String layerDigest(Manifest manifest) throws RegistryException {
        return ReferrersIndex.parse(manifest.bytes(), "referrer").path("layers").get(0).path("digest").asText();
    }

    /** Request deltas since the last report, on both ends. */
    private static final class Counter {
        private RegistryStore store;
        private final LocalRegistry registry;
        private long client;
        private long server;

        Counter(RegistryStore store, LocalRegistry registry) throws Exception {
            this.store = store;
            this.registry = registry;
            this.client = store.requests();
            this.server = registry.requestsLogged().size();
        }

        void switchTo(RegistryStore other) {
            this.store = other;
            this.client = other.requests();
        }

        void report(String operation, int minimum, String why) throws Exception {
            // The registry writes its access log line after answering: give the last line a moment to land.
            long logged = registry.requestsLogged().size();
            for (int i = 0; i < 50 && logged - server < store.requests() - client; i++) {
                Thread.sleep(20);
                logged = registry.requestsLogged().size();
            }
            System.out.printf(Locale.ROOT, "%-60s %7d %7d %8d  %s%n", operation, store.requests() - client, logged - server, minimum, why);
            client = store.requests();
            server = logged;
        }
    }
}
