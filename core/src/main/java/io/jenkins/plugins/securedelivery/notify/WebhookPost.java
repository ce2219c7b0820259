package io.jenkins.plugins.securedelivery.notify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * One JSON POST with the retry rules every channel shares. Written on the JDK's HttpClient: a webhook call is one
 * request, and a client library would bring its own threads and logging that might print the URL.
 * <p>
 * Secrets (the URL's path and query, a routing key, a header secret) are kept out of every result: the target is
 * named by scheme and host only, and any answer or exception text is scrubbed of the secrets before it is reported.
 */
final class WebhookPost {

    private static final int BODY_EXCERPT = 200;

    private final String channel;
    private final URI url;
    private final List<String> secrets = new java.util.ArrayList<>();
    private final DeliveryOptions options;
    private final HttpClient http;

    /**
     * @param what    the kind of channel, e.g. "Slack webhook"
     * @param secrets strings that must never be reported (the URL itself is always one)
     */
    WebhookPost(String what, URI url, List<String> secrets, DeliveryOptions options) {
        if (url == null || !url.isAbsolute() || url.getHost() == null
                || !("https".equalsIgnoreCase(url.getScheme()) || "http".equalsIgnoreCase(url.getScheme()))) {
            // The URL is not quoted: it may hold the secret.
            throw new NotifyInputException("the " + what + " URL", "is not an absolute http(s) URL", "check the value given (it is not shown because it may hold a secret)");
        }
        this.channel = what + " on " + url.getHost();
        this.url = url;
        this.secrets.add(url.toString());
        if (url.getRawPath() != null && url.getRawPath().length() > 1) {
            this.secrets.add(url.getRawPath());
        }
        if (url.getRawQuery() != null) {
            this.secrets.add(url.getRawQuery());
        }
        secrets.stream().filter(s -> s != null && !s.isEmpty()).forEach(this.secrets::add);
        this.options = options;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** One more string never to report, e.g. a header secret set after construction. */
    void secret(String secret) {
        secrets.add(secret);
    }

    String channel() {
        return channel;
    }

    /** POSTs {@code body}; {@code accepted} says which statuses mean delivered. Never throws for a delivery problem. */
    NotificationResult post(byte[] body, Map<String, String> headers, IntPredicate accepted) {
        int attempt = 0;
        while (true) {
            attempt++;
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(options.requestTimeout())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return NotificationResult.failed(channel, attempt, 0, "interrupted before an answer came");
            } catch (IOException e) {
                boolean nothingSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
                if (e instanceof HttpTimeoutException && !nothingSent) {
                    return NotificationResult.failed(channel, attempt, 0, "no answer within " + seconds(options.requestTimeout())
                            + " (not retried: it may have been delivered)");
                }
                String why = "cannot reach " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                        + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + scrub(e.getMessage())) + ")";
                // Nothing was sent on a connection that never opened, so trying again cannot post twice.
                if (nothingSent && attempt < options.attempts()) {
                    if (!pause(backoff(attempt))) {
                        return NotificationResult.failed(channel, attempt, 0, "interrupted while waiting to retry; " + why);
                    }
                    continue;
                }
                return NotificationResult.failed(channel, attempt, 0, why);
            }
            int status = response.statusCode();
            if (accepted.test(status)) {
                return NotificationResult.delivered(channel, attempt, status);
            }
            String answer = "HTTP " + status + excerpt(response.body());
            if (status == 429 || status >= 500) {
                Duration wait = retryAfter(response).orElse(backoff(attempt));
                if (wait.compareTo(options.maxRetryAfter()) > 0) {
                    return NotificationResult.failed(channel, attempt, status, answer + "; the service asks to retry after " + seconds(wait)
                            + ", longer than the " + seconds(options.maxRetryAfter()) + " allowed");
                }
                if (attempt < options.attempts()) {
                    if (!pause(wait)) {
                        return NotificationResult.failed(channel, attempt, status, "interrupted while waiting to retry; " + answer);
                    }
                    continue;
                }
                return NotificationResult.failed(channel, attempt, status, answer + "; gave up after " + attempt + " attempts");
            }
            return NotificationResult.failed(channel, attempt, status, answer + " (not retried: the service refused the request)");
        }
    }

    private Duration backoff(int attempt) {
        return options.backoff().multipliedBy(1L << Math.min(attempt - 1, 10));
    }

    /** Retry-After in seconds or as an HTTP date (RFC 9110, section 10.2.3). */
    private static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip()))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Duration until = Duration.between(java.time.Instant.now(),
                            ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                    return java.util.Optional.of(until.isNegative() ? Duration.ZERO : until);
                } catch (DateTimeParseException notADate) {
                    return java.util.Optional.empty();
                }
            }
        });
    }

    private static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = scrub(new String(body, StandardCharsets.UTF_8)).replaceAll("\\s+", " ").strip();
        return text.isEmpty() ? "" : ": " + (text.length() > BODY_EXCERPT ? text.substring(0, BODY_EXCERPT) + "..." : text);
    }

    private String scrub(String text) {
        String scrubbed = text;
        for (String secret : secrets) {
            scrubbed = scrubbed.replace(secret, "***");
        }
        return scrubbed;
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
