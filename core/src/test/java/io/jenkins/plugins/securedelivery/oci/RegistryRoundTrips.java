package io.jenkins.plugins.securedelivery.oci;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.jenkins.plugins.securedelivery.signing.ImageSignatures;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import io.jenkins.plugins.securedelivery.signing.PredicateTypes;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.VerificationReport;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Counts registry round trips per operation against a real docker-registry, on the client (RegistryStore's request
 * counter) and on the server (one access-log line per request). Run by bench/registry.sh.
 */
public final class RegistryRoundTrips {

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
        counter.report("push the same image again (same client)", 1, "PUT manifest; the client knows its blobs are there");

        Descriptor resolved = store.resolve(tag);
        counter.report("resolve tag -> digest", 1, "HEAD manifest (Docker-Content-Digest)");

        Path keyDir = Files.createDirectories(registry.storage().resolveSibling("keys-" + System.nanoTime()));
        KeyFiles.GeneratedKeyPair keys = KeyFiles.generate(keyDir, "cosign", PasswordSource.none());
        SigningKey key = KeyFiles.readSigningKey(keys.privateKeyFile(), PasswordSource.none());
        Instant now = Instant.now();

        RegistryStore signer = new RegistryStore(options);
        counter.switchTo(signer);
        new ImageSignatures(signer).sign(tag, key, ImageSignatures.allFormats(), now);
        counter.report("sign, both formats (fresh client, by tag)", 14 + challenge(scenario),
                "HEAD tag; legacy: GET .sig (404), 2 blobs x POST+PUT, PUT .sig; bundle: 2 blobs x POST+PUT, PUT referrer, GET+PUT index");

        RegistryStore attester = new RegistryStore(options);
        counter.switchTo(attester);
        new ImageSignatures(attester).attest(tag, key, PredicateTypes.CYCLONEDX, SBOM, "bom.json", now);
        counter.report("attest an SBOM (fresh client, by tag)", 8 + challenge(scenario),
                "HEAD tag; 2 blobs x POST+PUT (a fresh client cannot know the empty config exists); PUT referrer; GET+PUT index");

        RegistryStore verifier = new RegistryStore(options);
        counter.switchTo(verifier);
        VerificationReport report = new ImageSignatures(verifier).verify(tag, keys.verificationKey(), Set.of(PredicateTypes.CYCLONEDX));
        if (!report.passed()) {
            throw new IllegalStateException(report.summary());
        }
        counter.report("verify: 1 legacy signature + 2 bundles (fresh client)", 8 + challenge(scenario),
                "HEAD tag; GET .sig + its payload blob; 1 GET referrers (fallback index); per bundle GET manifest + GET blob");

        new ImageSignatures(verifier).verify(tag, keys.verificationKey(), Set.of(PredicateTypes.CYCLONEDX));
        counter.report("verify again (same client)", 8, "as above; a fresh client also probes the referrers API once (404)");
    }

    private static final byte[] SBOM = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1}".getBytes(StandardCharsets.UTF_8);

    /**
     * A fresh client's first request to a registry with auth is answered by a 401 challenge; with bearer tokens the
     * client then asks the token endpoint once (counted by the client, not in the registry's log).
     */
    private static int challenge(String scenario) {
        return scenario.startsWith("TLS") ? 1 : scenario.contains("bearer") ? 2 : 0;
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
