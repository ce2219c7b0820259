package io.jenkins.plugins.securedelivery.oci;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real registry for tests: Debian's {@code docker-registry} (distribution 2.8.2) serving a temporary directory on
 * 127.0.0.1, plain HTTP or TLS (a CA made here) with htpasswd basic auth. Its access log counts requests.
 * Skips the calling test when the package is absent; ./run-tests installs it.
 */
public final class LocalRegistry implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Pattern ACCESS_LINE = Pattern.compile("^\\S+ - \\S+ \\[[^]]+] \"[A-Z]+ .*");

    private final Process process;
    private final Path directory;
    private final int port;
    private final Path caFile;
    private final TokenServer tokenServer;

    private LocalRegistry(Process process, Path directory, int port, Path caFile, TokenServer tokenServer) {
        this.process = process;
        this.directory = directory;
        this.port = port;
        this.caFile = caFile;
        this.tokenServer = tokenServer;
    }

    /** A registry over plain HTTP without authentication, storing into {@code directory}. */
    public static LocalRegistry plainHttp(Path directory) throws Exception {
        return start(directory, null, null, false);
    }

    /** A registry over TLS (certificate for 127.0.0.1 and localhost from a CA made here) asking for basic auth. */
    public static LocalRegistry tlsWithBasicAuth(Path directory, String username, String password) throws Exception {
        return start(directory, username, password, false);
    }

    /**
     * A registry over plain HTTP asking for bearer tokens ({@code auth: token}) from a token endpoint started
     * beside it, which grants any scope to {@code username}/{@code password}.
     */
    public static LocalRegistry plainHttpWithBearerTokens(Path directory, String username, String password) throws Exception {
        return start(directory, username, password, true);
    }

    private static LocalRegistry start(Path directory, String username, String password, boolean bearer) throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "Debian's docker-registry is not installed (apt-get install docker-registry; ./run-tests does)");
        Files.createDirectories(directory);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        StringBuilder config = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: warn\n  accesslog:\n    disabled: false\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(directory.resolve("storage")).append("\n")
                .append("  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append("\n");
        Path caFile = null;
        TokenServer tokenServer = null;
        if (bearer) {
            tokenServer = new TokenServer(directory, username, password);
            config.append("auth:\n  token:\n    realm: ").append(tokenServer.realm())
                    .append("\n    service: ").append(TokenServer.SERVICE)
                    .append("\n    issuer: ").append(TokenServer.ISSUER)
                    .append("\n    rootcertbundle: ").append(tokenServer.rootCertificate(directory)).append("\n");
        } else if (username != null) {
            caFile = writeTlsFiles(directory);
            config.append("  tls:\n    certificate: ").append(directory.resolve("server.pem"))
                    .append("\n    key: ").append(directory.resolve("server-key.pem")).append("\n");
            // docker-registry reads bcrypt entries only; cost 5 keeps each authenticated request fast.
            String hash = OpenBSDBCrypt.generate("2y", password.toCharArray(), new SecureRandom().generateSeed(16), 5);
            Files.writeString(directory.resolve("htpasswd"), username + ":" + hash + "\n");
            config.append("auth:\n  htpasswd:\n    realm: test-registry\n    path: ").append(directory.resolve("htpasswd")).append("\n");
        }
        Files.writeString(directory.resolve("config.yml"), config);
        Process process = new ProcessBuilder(BINARY.toString(), "serve", directory.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(process, directory, port, caFile, tokenServer);
        registry.awaitListening();
        return registry;
    }

    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited at start: " + Files.readString(directory.resolve("registry.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("docker-registry did not listen on port " + port + " within 20 s");
    }

    /** {@code 127.0.0.1:<port>}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** A reference in this registry, e.g. {@code reference("demo/app:1.0")}. */
    public ImageReference reference(String repositoryAndTag) {
        return ImageReference.parse(host() + "/" + repositoryAndTag);
    }

    /** Options that reach this registry (plain HTTP, or trusting its CA), without credentials, no retry delay. */
    public RegistryStore.Options options() {
        RegistryStore.Options options = RegistryStore.Options.defaults().withRetries(2, Duration.ofMillis(10));
        return caFile == null ? options.withPlainHttp() : options.withCaFile(caFile);
    }

    /** The PEM file of the CA that signed the registry's certificate; null for plain HTTP. */
    public Path caFile() {
        return caFile;
    }

    /** Where the registry keeps its data ({@code docker/registry/v2/...}). */
    public Path storage() {
        return directory.resolve("storage");
    }

    /** The requests the registry has answered so far, one access-log line each. */
    public List<String> requestsLogged() throws IOException {
        return Files.readAllLines(directory.resolve("registry.log"), StandardCharsets.UTF_8).stream()
                .filter(line -> ACCESS_LINE.matcher(line).matches()).toList();
    }

    /** How many tokens the bearer token endpoint has issued (0 without one). */
    public int tokensIssued() {
        return tokenServer == null ? 0 : tokenServer.tokensIssued();
    }

    @Override
    public void close() throws InterruptedException {
        if (tokenServer != null) {
            tokenServer.close();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static Path writeTlsFiles(Path directory) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair caKeys = generator.generateKeyPair();
        KeyPair serverKeys = generator.generateKeyPair();
        Instant now = Instant.now();
        Date from = Date.from(now.minus(Duration.ofHours(1)));
        Date to = Date.from(now.plus(Duration.ofDays(1)));
        X500Name caName = new X500Name("CN=Local registry test CA");
        JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName, caKeys.getPublic());
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCertificate = new JcaX509CertificateConverter()
                .getCertificate(ca.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from, to,
                new X500Name("CN=127.0.0.1"), serverKeys.getPublic());
        server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        X509Certificate serverCertificate = new JcaX509CertificateConverter()
                .getCertificate(server.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        Path caFile = directory.resolve("ca.pem");
        Files.writeString(caFile, pem(caCertificate));
        Files.writeString(directory.resolve("server.pem"), pem(serverCertificate));
        // PKCS#8, which Go's TLS reads whatever the key's provider (BC's SEC1 output for a SunEC key is refused).
        Files.writeString(directory.resolve("server-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(serverKeys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return caFile;
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
