package io.jenkins.plugins.securedelivery.sbom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** What every lock-file scanner needs: reading JSON, YAML or TOML through Jackson with errors that name file and line. */
public final class LockFiles {

    private LockFiles() {}

    /**
     * Reads a file whose top level is an object (JSON) or a table (YAML, TOML), with the {@code mapper} of its format.
     *
     * @throws SbomInputException naming the file and line when it is malformed, empty, or not an object
     */
    public static JsonNode readObject(FileTree tree, String path, ObjectMapper mapper, long limit) throws IOException {
        byte[] bytes = tree.read(path, limit);
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new SbomInputException(path, 1, "the file is empty or not an object", "regenerate it with its tool");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw malformed(path, e);
        }
    }

    /** The error for a file Jackson cannot parse, at the line Jackson stopped. */
    public static SbomInputException malformed(String path, JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : Math.max(e.getLocation().getLineNr(), 0);
        return new SbomInputException(path, line, "the file is malformed (" + e.getOriginalMessage() + ")",
                "fix the syntax or regenerate the file with its tool", e);
    }

    /** The directory of a tree path, with a trailing '/', or "" at the root of the tree. */
    public static String directoryOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash + 1);
    }

    /** The last segment of a tree path. */
    public static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
