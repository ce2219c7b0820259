package io.jenkins.plugins.securedelivery.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs JSON to any webhook. Optionally with a secret header (e.g. {@code Authorization: Bearer ...}) and an
 * HMAC-SHA256 signature the receiver can check (docs/approvals.md):
 *
 * <pre>
 * X-Secure-Delivery-Timestamp: 1795510800
 * X-Secure-Delivery-Signature: sha256=&lt;hex of HMAC-SHA256(secret, timestamp + "." + body)&gt;
 * </pre>
 *
 * The timestamp is signed with the body so that a captured request cannot be replayed later. Any 2xx answer is
 * delivery; 429 and 5xx are retried within {@link DeliveryOptions}. Secrets appear in no result or {@link #toString()}.
 */
public final class JsonWebhook {

    public static final String TIMESTAMP_HEADER = "X-Secure-Delivery-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Secure-Delivery-Signature";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookPost post;
    private String headerName;
    private String headerSecret;
    private byte[] hmacSecret;

    public JsonWebhook(URI url, DeliveryOptions options) {
        this.post = new WebhookPost("JSON webhook", url, List.of(), options);
    }

    /** Sends {@code secret} in header {@code name} with every request. */
    public JsonWebhook headerSecret(String name, String secret) {
        if (name == null || name.isBlank() || secret == null || secret.isEmpty()) {
            throw new NotifyInputException("the webhook's secret header", "needs a name and a non-empty secret", "name the header and give its secret");
        }
        this.headerName = name;
        this.headerSecret = secret;
        post.secret(secret);
        return this;
    }

    /** Signs every request body with HMAC-SHA256 under {@code secret}. */
    public JsonWebhook hmacSha256(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new NotifyInputException("the webhook's HMAC secret", "is empty", "give the secret shared with the receiver");
        }
        this.hmacSecret = secret.clone();
        return this;
    }

    /** Sends {@code {"title", "text", "links": [{"text", "url", "style"}]}}. */
    public NotificationResult send(Notification notification) {
        ObjectNode body = JSON.createObjectNode();
        body.put("title", notification.title());
        body.put("text", notification.text());
        var links = body.putArray("links");
        notification.links().forEach(l -> links.addObject().put("text", l.text()).put("url", l.url())
                .put("style", l.style().name().toLowerCase(Locale.ROOT)));
        try {
            return sendJson(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a JSON document as it is.
     *
     * @throws NotifyInputException if {@code json} is not JSON
     */
    public NotificationResult sendJson(byte[] json) {
        try {
            JSON.readTree(json);
        } catch (IOException e) {
            throw new NotifyInputException("the webhook body", "is not JSON", "give a JSON document");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (headerName != null) {
            headers.put(headerName, headerSecret);
        }
        if (hmacSecret != null) {
            String timestamp = Long.toString(Instant.now().getEpochSecond());
            headers.put(TIMESTAMP_HEADER, timestamp);
            headers.put(SIGNATURE_HEADER, "sha256=" + HexFormat.of().formatHex(hmac(hmacSecret, timestamp, json)));
        }
        return post.post(json, headers, status -> status >= 200 && status < 300);
    }

    /** HMAC-SHA256 of {@code timestamp + "." + body}: what a receiver recomputes to check the signature header. */
    public static byte[] hmac(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return post.channel();
    }
}
