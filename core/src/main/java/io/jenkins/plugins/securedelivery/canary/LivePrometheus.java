package io.jenkins.plugins.securedelivery.canary;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Prometheus' HTTP API over the JDK client: one POST to {@code /api/v1/query_range} per query. Thread-safe. */
final class LivePrometheus implements MetricSource {

    private final PrometheusEndpoint endpoint;
    private final HttpClient client;

    LivePrometheus(PrometheusEndpoint endpoint) {
        this.endpoint = endpoint;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(endpoint.timeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public Answer rangeQuery(RangeQuery q) throws MetricQueryException {
        URI uri = URI.create(endpoint.url() + "/api/v1/query_range");
        // POST keeps long queries out of URLs and access logs; Prometheus accepts both.
        String form = "query=" + URLEncoder.encode(q.query(), StandardCharsets.UTF_8)
                + "&start=" + seconds(q.start()) + "&end=" + seconds(q.end())
                + "&step=" + seconds(q.step())
                + "&timeout=" + seconds(endpoint.timeout());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(endpoint.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        endpoint.authorization().ifPresent(value -> request.header("Authorization", value));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (HttpConnectTimeoutException e) {
            throw new MetricQueryException(MetricQueryException.Kind.TIMEOUT,
                    "Prometheus at " + endpoint.url() + " did not accept a connection within " + human(endpoint.timeout()));
        } catch (HttpTimeoutException e) {
            throw new MetricQueryException(MetricQueryException.Kind.TIMEOUT,
                    "Prometheus at " + endpoint.url() + " did not answer within " + human(endpoint.timeout()));
        } catch (ConnectException e) {
            throw new MetricQueryException(MetricQueryException.Kind.UNREACHABLE,
                    "could not connect to Prometheus at " + endpoint.url() + " (connection refused or no route)");
        } catch (IOException e) {
            throw new MetricQueryException(MetricQueryException.Kind.UNREACHABLE,
                    "the connection to Prometheus at " + endpoint.url() + " failed (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetricQueryException(MetricQueryException.Kind.UNREACHABLE, "the query to Prometheus at " + endpoint.url() + " was interrupted");
        }
    }

    @Override
    public String describe() {
        return endpoint.url().toString();
    }

    static String seconds(Instant instant) {
        return instant.getEpochSecond() + (instant.getNano() == 0 ? "" : String.format(java.util.Locale.ROOT, ".%03d", instant.getNano() / 1_000_000));
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? Long.toString(duration.toSeconds()) : String.format(java.util.Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }

    static String human(Duration duration) {
        return CanaryPolicy.promql(duration);
    }
}
