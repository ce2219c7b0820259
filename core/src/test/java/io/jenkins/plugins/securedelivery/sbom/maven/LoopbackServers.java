package io.jenkins.plugins.securedelivery.sbom.maven;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/** Real HTTP servers on the loopback address: a Maven repository and a forwarding proxy, both with basic auth. */
final class LoopbackServers {

    private LoopbackServers() {}

    /** Serves a directory as a Maven repository; with a user, every request needs basic auth. */
    static final class Repository implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger served = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        Repository(Path root, String user, String password) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    requests.incrementAndGet();
                    if (user != null && !basic(user, password).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                        refused.incrementAndGet();
                        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"repository\"");
                        exchange.sendResponseHeaders(401, -1);
                        return;
                    }
                    Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
                    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    served.incrementAndGet();
                    byte[] body = Files.readAllBytes(file);
                    boolean head = exchange.getRequestMethod().equals("HEAD");
                    exchange.sendResponseHeaders(200, head ? -1 : body.length);
                    if (!head) {
                        exchange.getResponseBody().write(body);
                    }
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** A forwarding HTTP proxy that requires proxy basic auth and counts what it forwarded. */
    static final class ForwardingProxy implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger forwarded = new AtomicInteger();
        final AtomicInteger challenged = new AtomicInteger();

        ForwardingProxy(String user, String password) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    if (!basic(user, password).equals(exchange.getRequestHeaders().getFirst("Proxy-Authorization"))) {
                        challenged.incrementAndGet();
                        exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"proxy\"");
                        exchange.sendResponseHeaders(407, -1);
                        return;
                    }
                    forward(exchange);
                }
            });
            server.start();
        }

        private void forward(HttpExchange exchange) throws IOException {
            if (!exchange.getRequestURI().isAbsolute()) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            forwarded.incrementAndGet();
            HttpURLConnection target = (HttpURLConnection) exchange.getRequestURI().toURL().openConnection(Proxy.NO_PROXY);
            target.setRequestMethod(exchange.getRequestMethod());
            int status = target.getResponseCode();
            boolean head = exchange.getRequestMethod().equals("HEAD");
            try (InputStream in = status < 400 ? target.getInputStream() : target.getErrorStream()) {
                byte[] body = in == null ? new byte[0] : in.readAllBytes();
                exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
                if (!head && body.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
