package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * A DSSE envelope ({@code {"payloadType", "payload", "signatures": [{"keyid", "sig"}]}}) around any payload: what
 * evidence manifests and approval records are signed as. The signature covers the DSSE pre-authentication encoding,
 * so a payload cannot be passed off under another type.
 */
public final class DsseEnvelope {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DsseEnvelope() {}

    /** A payload whose envelope carried a valid signature by the expected key. */
    public record Verified(String payloadType, byte[] payload, String keyId) {}

    /** The envelope is well formed but no signature in it verifies with the key given. */
    public static final class NotVerified extends RuntimeException {
        NotVerified(String name, String problem) {
            super(name + ": " + problem + ". Check that the file was not changed and that you gave the signer's public key");
        }
    }

    /** The envelope JSON: {@code payload} signed by {@code key}; the key id is the key's {@link VerificationKey#hint()}. */
    public static byte[] sign(String payloadType, byte[] payload, SigningKey key) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("payloadType", payloadType);
        envelope.put("payload", Base64.getEncoder().encodeToString(payload));
        envelope.putArray("signatures").addObject()
                .put("keyid", key.verificationKey().hint())
                .put("sig", Base64.getEncoder().encodeToString(key.sign(Dsse.pae(payloadType, payload))));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Verifies {@code envelopeJson} (named {@code name} in messages) and returns its payload.
     *
     * @throws SigningInputException if it is not a DSSE envelope or its payload type is not {@code expectedPayloadType}
     * @throws NotVerified           if no signature verifies with {@code key}
     */
    public static Verified verify(String name, byte[] envelopeJson, String expectedPayloadType, VerificationKey key) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(envelopeJson);
        } catch (IOException e) {
            throw new SigningInputException(name, "is not JSON", "give the signed envelope file as it was written");
        }
        if (envelope == null || !envelope.path("payloadType").isTextual() || !envelope.path("payload").isTextual()
                || !envelope.path("signatures").isArray()) {
            throw new SigningInputException(name, "is not a DSSE envelope (payloadType, payload and signatures are required)",
                    "give the signed envelope file as it was written");
        }
        String payloadType = envelope.get("payloadType").asText();
        if (!payloadType.equals(expectedPayloadType)) {
            throw new SigningInputException(name, "holds a payload of type '" + payloadType + "', not '" + expectedPayloadType + "'",
                    "give the envelope this command verifies");
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(envelope.get("payload").asText());
        } catch (IllegalArgumentException e) {
            throw new SigningInputException(name, "its payload is not base64", "give the signed envelope file as it was written");
        }
        byte[] signed = Dsse.pae(payloadType, payload);
        for (JsonNode signature : envelope.get("signatures")) {
            byte[] sig;
            try {
                sig = Base64.getDecoder().decode(signature.path("sig").asText(""));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (sig.length > 0 && key.verifies(signed, sig)) {
                return new Verified(payloadType, payload, key.hint());
            }
        }
        throw new NotVerified(name, "no signature verifies with " + key);
    }
}
