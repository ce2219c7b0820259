package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * cosign's legacy signature payload (Red Hat "simple signing", cosign flavour), serialised exactly as cosign's Go
 * {@code json.Marshal} writes sigstore's {@code SimpleContainerImage}: compact, fields in struct order, no optional
 * claims written as {@code "optional":null}.
 */
final class SimpleSigningPayload {

    static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    static final String TYPE = "cosign container image signature";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimpleSigningPayload() {}

    static byte[] of(String dockerReference, String imageDigest) {
        Sha256.hex(imageDigest);
        return ("{\"critical\":{\"identity\":{\"docker-reference\":" + goString(dockerReference) + "},"
                + "\"image\":{\"docker-manifest-digest\":" + goString(imageDigest) + "},"
                + "\"type\":\"" + TYPE + "\"},\"optional\":null}").getBytes(StandardCharsets.UTF_8);
    }

    /** What a payload claims, after parsing it as JSON (not by string matching: Go and Java escape differently). */
    record Claims(String type, String imageDigest, String dockerReference) {}

    static Claims read(byte[] payload) throws IOException {
        JsonNode critical = JSON.readTree(payload).path("critical");
        return new Claims(critical.path("type").asText(null), critical.path("image").path("docker-manifest-digest").asText(null),
                critical.path("identity").path("docker-reference").asText(null));
    }

    /** A JSON string as Go's encoding/json writes it: it also escapes {@code <}, {@code >} and {@code &}. */
    private static String goString(String value) {
        try {
            String json = JSON.writeValueAsString(value);
            return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
