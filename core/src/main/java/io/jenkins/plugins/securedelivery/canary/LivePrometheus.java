package io.jenkins.plugins.securedelivery.canary;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Prometheus' HTTP API: one POST to {@code /api/v1/query_range} per query, made in the calling thread (on OkHttp, the
 * client fabric8 brings, so that watches and their analyses share one connection pool and add no thread). Thread-safe.
 */
final class LivePrometheus implements MetricSource {

    private final PrometheusEndpoint endpoint;
    private final OkHttpClient client;

    LivePrometheus(PrometheusEndpoint endpoint) {
        this.endpoint = endpoint;
        this.client = WatchHttp.prometheus(endpoint.timeout());
    }

    @Override
    public Answer rangeQuery(RangeQuery q) throws MetricQueryException {
        // POST keeps long queries out of URLs and access logs; Prometheus accepts both.
        FormBody form = new FormBody.Builder()
                .add("query", q.query())
                .add("start", seconds(q.start()))
                .add("end", seconds(q.end()))
                .add("step", seconds(q.step()))
                .add("timeout", seconds(endpoint.timeout()))
                .build();
        Request.Builder request = new Request.Builder().url(endpoint.url() + "/api/v1/query_range")
                .header("Accept", "application/json").post(form);
        endpoint.authorization().ifPresent(value -> request.header("Authorization", value));
        boolean connected = false;
        try (Response response = client.newCall(request.build()).execute()) {
            connected = true;
            ResponseBody body = response.body();
            return new Answer(response.code(), body == null ? "" : body.string());
        } catch (SocketTimeoutException e) {
            throw new MetricQueryException(MetricQueryException.Kind.TIMEOUT, "Prometheus at " + endpoint.url()
                    + (connected || !String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect")
                            ? " did not answer within " : " did not accept a connection within ")
                    + human(endpoint.timeout()));
        } catch (InterruptedIOException e) {
            // OkHttp's call timeout ends the call with this exception; a real interrupt is handed on.
            if (Thread.currentThread().isInterrupted()) {
                throw new MetricQueryException(MetricQueryException.Kind.UNREACHABLE, "the query to Prometheus at " + endpoint.url() + " was interrupted");
            }
            throw new MetricQueryException(MetricQueryException.Kind.TIMEOUT,
                    "Prometheus at " + endpoint.url() + " did not answer within " + human(endpoint.timeout()));
        } catch (ConnectException e) {
            throw new MetricQueryException(MetricQueryException.Kind.UNREACHABLE,
                    "could not connect to Prometheus at " + endpoint.url() + " (connection refused or no route)");
        } catch (IOException e) {
            throw new MetricQueryException(MetricQueryException.Kind.UNREACHABLE,
                    "the connection to Prometheus at " + endpoint.url() + " failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public String describe() {
        return endpoint.url().toString();
    }

    static String seconds(Instant instant) {
        return instant.getEpochSecond() + (instant.getNano() == 0 ? "" : String.format(Locale.ROOT, ".%03d", instant.getNano() / 1_000_000));
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? Long.toString(duration.toSeconds()) : String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }

    static String human(Duration duration) {
        return CanaryPolicy.promql(duration);
    }
}
