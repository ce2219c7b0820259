package io.jenkins.plugins.securedelivery.canary;

import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import java.time.Duration;
import java.util.List;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The HTTP clients of canary watches (fabric8's for Kubernetes, and Prometheus'), built so that a thousand watches add
 * no thread of their own beyond their scheduler's: every call runs on the thread of the watch that makes it, the
 * clients share one connection pool (so one thread cleans it) and time out through OkHttp's socket timeouts (whose
 * one watchdog thread serves the whole JVM).
 */
final class WatchHttp {

    /** Shared by every watch's clients; connections are only reused for the same host, TLS settings and proxy. */
    private static final ConnectionPool CONNECTIONS = new ConnectionPool();

    private WatchHttp() {
    }

    /**
     * fabric8's OkHttp client, with its calls run in the calling thread instead of OkHttp's dispatcher pool, and the
     * whole call bounded by {@code timeout} in OkHttp rather than by fabric8's own timer thread.
     */
    static final class KubernetesClients extends OkHttpClientFactory {

        private final Duration timeout;

        KubernetesClients(Duration timeout) {
            this.timeout = timeout;
        }

        @Override
        protected Dispatcher initDispatcher() {
            Dispatcher dispatcher = new Dispatcher(new CallingThreadExecutor());
            // As fabric8 does: a cap would make calls queue behind others, and a queued call would never run.
            dispatcher.setMaxRequests(Integer.MAX_VALUE);
            dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
            return dispatcher;
        }

        @Override
        protected void additionalConfig(OkHttpClient.Builder builder) {
            builder.connectionPool(CONNECTIONS).callTimeout(timeout).readTimeout(timeout).writeTimeout(timeout);
        }
    }

    /** A client for Prometheus' API: HTTP/1.1, every call bounded by {@code timeout}, redirects only within one scheme. */
    static OkHttpClient prometheus(Duration timeout) {
        return new OkHttpClient.Builder().connectionPool(CONNECTIONS).protocols(List.of(Protocol.HTTP_1_1))
                .connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout).callTimeout(timeout)
                .followSslRedirects(false).build();
    }
}
