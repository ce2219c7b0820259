package io.jenkins.plugins.securedelivery.evidence;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an evidence bundle holds and is about, as {@code manifest.json} states it and {@code manifest.dsse.json} signs
 * it: the image (by digest), the source commit, the run, and every file's SHA-256 and size. Gate verdicts and approval
 * records are files too, named again under {@code gates} and {@code approvals}.
 *
 * @param schemaVersion    {@link #SCHEMA_VERSION}
 * @param imageName        {@code registry/repository} of the image
 * @param imageDigest      the image's manifest digest, {@code sha256:<hex>}
 * @param sourceRepository the source repository URL, or null when not given
 * @param sourceCommit     the source commit, or null when not given
 * @param runUrl           the CI run that made the evidence, or null when not given
 * @param created          when the evidence was assembled
 * @param files            every file, sorted by name
 * @param gates            names of the files that are gate verdicts, sorted
 * @param approvals        names of the files that are approval records, sorted
 */
public record EvidenceManifest(int schemaVersion, String imageName, String imageDigest, String sourceRepository, String sourceCommit,
                               String runUrl, Instant created, List<FileEntry> files, List<String> gates, List<String> approvals) {

    public static final int SCHEMA_VERSION = 1;

    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    // Line ends fixed to \n: the manifest's bytes are signed and must not depend on the platform.
    private static final ObjectWriter WRITER = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /**
     * One file of the bundle.
     *
     * @param name   its name, stored at {@code files/<name>}
     * @param sha256 {@code sha256:<hex>} of its content
     * @param size   bytes
     */
    public record FileEntry(String name, String sha256, long size) {}

    public EvidenceManifest {
        files = List.copyOf(files);
        gates = List.copyOf(gates);
        approvals = List.copyOf(approvals);
    }

    /** The file entry named {@code name}, or null. */
    FileEntry file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    /** The manifest as {@code manifest.json} holds it: fixed field order, two-space indent, \n line ends. */
    byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", schemaVersion);
        root.putObject("image").put("name", imageName).put("digest", imageDigest);
        root.putObject("source").put("repository", sourceRepository).put("commit", sourceCommit);
        root.put("runUrl", runUrl);
        root.put("created", DateTimeFormatter.ISO_INSTANT.format(created));
        ArrayNode fileArray = root.putArray("files");
        files.forEach(f -> fileArray.addObject().put("name", f.name()).put("sha256", f.sha256()).put("size", f.size()));
        gates.forEach(root.putArray("gates")::add);
        approvals.forEach(root.putArray("approvals")::add);
        try {
            byte[] json = WRITER.writeValueAsBytes(root);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (IOException e) {
            throw new IllegalStateException("a tree of plain nodes always serialises", e);
        }
    }

    /**
     * Reads a manifest, strictly: every field of schema {@link #SCHEMA_VERSION}, valid names, digests and sizes, no
     * file listed twice, and every gate and approval listed among the files.
     *
     * @throws InvalidBundle naming {@code what} and the field that is wrong
     */
    static EvidenceManifest parse(byte[] json, String what) throws InvalidBundle {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new InvalidBundle(what + " is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidBundle(what + " is not a JSON object");
        }
        if (root.path("schemaVersion").asInt(-1) != SCHEMA_VERSION) {
            throw new InvalidBundle(what + ": schemaVersion " + root.path("schemaVersion") + " is not " + SCHEMA_VERSION
                    + " (a bundle from a newer version of secure-delivery?)");
        }
        String imageDigest = text(root, "image", "digest", what, true);
        if (!SHA256.matcher(imageDigest).matches()) {
            throw new InvalidBundle(what + ": image.digest '" + imageDigest + "' is not sha256:<64 hex>");
        }
        Instant created;
        try {
            created = Instant.parse(text(root, "created", null, what, true));
        } catch (DateTimeParseException e) {
            throw new InvalidBundle(what + ": created is not an ISO-8601 instant");
        }
        if (!root.path("files").isArray()) {
            throw new InvalidBundle(what + ": files is missing or not an array");
        }
        List<FileEntry> files = new java.util.ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode file : root.get("files")) {
            String at = what + ": files[" + index++ + "]";
            String name = file.path("name").asText("");
            try {
                if (!EvidenceFile.normalise(name).equals(name)) {
                    throw new InvalidBundle(at + ".name '" + name + "' is not in normal form");
                }
            } catch (EvidenceInputException e) {
                throw new InvalidBundle(at + ".name is unsafe: " + e.getMessage());
            }
            String sha256 = file.path("sha256").asText("");
            if (!SHA256.matcher(sha256).matches()) {
                throw new InvalidBundle(at + ".sha256 '" + sha256 + "' is not sha256:<64 hex>");
            }
            if (!file.path("size").canConvertToLong() || file.path("size").asLong() < 0) {
                throw new InvalidBundle(at + ".size is missing or negative");
            }
            if (!names.add(name)) {
                throw new InvalidBundle(at + ": '" + name + "' is listed twice");
            }
            files.add(new FileEntry(name, sha256, file.get("size").asLong()));
        }
        return new EvidenceManifest(SCHEMA_VERSION, text(root, "image", "name", what, true), imageDigest,
                text(root, "source", "repository", what, false), text(root, "source", "commit", what, false),
                text(root, "runUrl", null, what, false), created, files,
                listed(root, "gates", names, what), listed(root, "approvals", names, what));
    }

    private static List<String> listed(JsonNode root, String field, Set<String> files, String what) throws InvalidBundle {
        JsonNode array = root.path(field);
        if (!array.isArray()) {
            throw new InvalidBundle(what + ": " + field + " is missing or not an array");
        }
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode name : array) {
            if (!files.contains(name.asText())) {
                throw new InvalidBundle(what + ": " + field + " names '" + name.asText() + "', which is not among the files");
            }
            names.add(name.asText());
        }
        return names;
    }

    private static String text(JsonNode root, String field, String subfield, String what, boolean required) throws InvalidBundle {
        JsonNode node = subfield == null ? root.path(field) : root.path(field).path(subfield);
        String path = subfield == null ? field : field + "." + subfield;
        if (node.isTextual()) {
            return node.asText();
        }
        if (!required && node.isNull()) {
            return null;
        }
        throw new InvalidBundle(what + ": " + path + " is missing or not a string");
    }
}
