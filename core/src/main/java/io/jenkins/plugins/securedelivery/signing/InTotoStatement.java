package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** in-toto Statement v1 about one image: its subject is the image's sha256 digest. */
final class InTotoStatement {

    static final String TYPE_V1 = "https://in-toto.io/Statement/v1";
    /** cosign v3 attest still writes v0.1; the two differ in nothing a verifier of ours reads. */
    static final Set<String> ACCEPTED_TYPES = Set.of(TYPE_V1, "https://in-toto.io/Statement/v0.1");
    static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private InTotoStatement() {}

    /**
     * @param subjectName the subject's name (cosign attest writes the repository), or null for none (cosign sign)
     * @param predicate   the predicate, a JSON object
     */
    static byte[] of(String subjectName, String imageDigest, String predicateType, JsonNode predicate) {
        ObjectNode statement = JSON.createObjectNode();
        statement.put("_type", TYPE_V1);
        ObjectNode subject = statement.putArray("subject").addObject();
        if (subjectName != null) subject.put("name", subjectName);
        subject.putObject("digest").put("sha256", Sha256.hex(imageDigest));
        statement.put("predicateType", predicateType);
        statement.set("predicate", predicate);
        try {
            return JSON.writeValueAsBytes(statement);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parts of a statement a verifier checks. */
    record Claims(String type, List<String> subjectSha256, String predicateType) {}

    static Claims read(byte[] payload) throws IOException {
        JsonNode root = JSON.readTree(payload);
        if (root == null || !root.isObject()) throw new IOException("not a JSON object");
        List<String> digests = new ArrayList<>();
        for (JsonNode subject : root.path("subject")) {
            JsonNode sha256 = subject.path("digest").path("sha256");
            if (sha256.isTextual()) digests.add(sha256.asText());
        }
        return new Claims(root.path("_type").asText(null), digests, root.path("predicateType").asText(null));
    }
}
