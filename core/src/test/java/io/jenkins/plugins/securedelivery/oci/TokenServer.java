package io.jenkins.plugins.securedelivery.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A token endpoint as the distribution token spec describes it, for docker-registry's {@code auth: token}: checks
 * basic credentials, grants the scope asked for, and answers an ES256 JWT whose {@code x5c} certificate is the
 * registry's {@code rootcertbundle}. Test-only: Debian ships no token server.
 */
final class TokenServer implements AutoCloseable {

    static final String SERVICE = "local-registry";
    static final String ISSUER = "local-token-issuer";

    private final HttpServer server;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final String expectedAuthorization;
    private final AtomicInteger tokensIssued = new AtomicInteger();

    TokenServer(Path directory, String username, String password) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + ISSUER);
        Instant now = Instant.now();
        certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        Files.writeString(directory.resolve("token-root.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::issue);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    Path rootCertificate(Path directory) {
        return directory.resolve("token-root.pem");
    }

    int tokensIssued() {
        return tokensIssued.get();
    }

    private void issue(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
                return;
            }
            String scope = "";
            String query = exchange.getRequestURI().getRawQuery();
            for (String parameter : query == null ? new String[0] : query.split("&")) {
                if (parameter.startsWith("scope=")) {
                    scope = URLDecoder.decode(parameter.substring(6), StandardCharsets.UTF_8);
                }
            }
            String[] parts = scope.split(":");
            String access = parts.length == 3
                    ? "[{\"type\":\"" + parts[0] + "\",\"name\":\"" + parts[1] + "\",\"actions\":[\"" + String.join("\",\"", parts[2].split(",")) + "\"]}]"
                    : "[]";
            long now = Instant.now().getEpochSecond();
            String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"x5c\":[\"" + Base64.getEncoder().encodeToString(certificate.getEncoded()) + "\"]}";
            String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"ci\",\"aud\":\"" + SERVICE + "\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now - 10)
                    + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":" + access + "}";
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String signed = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(keys.getPrivate());
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            tokensIssued.incrementAndGet();
            respond(exchange, 200, "{\"token\":\"" + signed + "." + url.encodeToString(signature.sign()) + "\",\"expires_in\":300}");
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
