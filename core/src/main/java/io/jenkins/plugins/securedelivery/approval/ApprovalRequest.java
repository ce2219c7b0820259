package io.jenkins.plugins.securedelivery.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A release waiting for approval into an environment: what would be promoted (image digests, source commit), who
 * wrote and who started it (neither may approve), the change ticket, and when it was asked. A plain record with a
 * JSON form, so that a waiting step can store it and pick it up again after a restart.
 *
 * @param environment  the environment the release would be promoted to
 * @param images       the images, by digest: {@code registry/repository@sha256:<hex>}
 * @param sourceCommit the commit the images were built from
 * @param commitAuthor who wrote that commit: a user id or {@code Name <email>}
 * @param startedBy    the user id that started the run
 * @param ticket       the change ticket id, or null
 * @param requestedAt  when approval was asked; the expiry counts from here
 * @param runUrl       the run's page, or null
 */
public record ApprovalRequest(String environment, List<String> images, String sourceCommit, String commitAuthor, String startedBy,
        String ticket, Instant requestedAt, String runUrl) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("environment", "images", "sourceCommit", "commitAuthor", "startedBy", "ticket",
            "requestedAt", "runUrl");

    public ApprovalRequest {
        Objects.requireNonNull(environment, "environment");
        images = List.copyOf(images);
        Objects.requireNonNull(sourceCommit, "sourceCommit");
        Objects.requireNonNull(commitAuthor, "commitAuthor: without it self-approval cannot be refused");
        Objects.requireNonNull(startedBy, "startedBy: without it self-approval cannot be refused");
        Objects.requireNonNull(requestedAt, "requestedAt");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("an approval request needs at least one image");
        }
        for (String image : images) {
            if (!ImageReference.parse(image).isDigest()) {
                throw new IllegalArgumentException("image '" + image + "' is not pinned by digest: approve digests, never tags");
            }
        }
    }

    /** The request as a JSON object (the form {@link #fromJson} reads). */
    public ObjectNode toJsonNode() {
        ObjectNode node = JSON.createObjectNode();
        node.put("environment", environment);
        images.forEach(node.putArray("images")::add);
        node.put("sourceCommit", sourceCommit);
        node.put("commitAuthor", commitAuthor);
        node.put("startedBy", startedBy);
        if (ticket != null) {
            node.put("ticket", ticket);
        }
        node.put("requestedAt", requestedAt.toString());
        if (runUrl != null) {
            node.put("runUrl", runUrl);
        }
        return node;
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonNode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ApprovalRequest read(Path file) throws IOException {
        return fromJson(file.toString(), Files.readAllBytes(file));
    }

    /** Reads a request; {@code name} is the file as the user knows it, for messages. */
    public static ApprovalRequest fromJson(String name, byte[] json) {
        return fromJson(name, "", readTree(name, json));
    }

    static ApprovalRequest fromJson(String name, String path, JsonNode node) {
        String fix = "see docs/approvals.md for the request format";
        JsonFields fields = JsonFields.object(name, path, node, fix);
        fields.onlyFields(FIELDS);
        List<String> images = fields.texts("images", true, "list the images to approve as registry/repository@sha256:<hex>");
        for (int i = 0; i < images.size(); i++) {
            try {
                if (!ImageReference.parse(images.get(i)).isDigest()) {
                    throw new ApprovalInputException(fields.where("images[" + i + "]"), "'" + images.get(i) + "' is not pinned by digest",
                            "give the digest the image was signed by (registry/repository@sha256:<hex>): approvals are for digests, never tags");
                }
            } catch (IllegalArgumentException e) {
                throw new ApprovalInputException(fields.where("images[" + i + "]"), e.getMessage(), "give registry/repository@sha256:<hex>");
            }
        }
        return new ApprovalRequest(
                fields.text("environment", "name the environment the release would be promoted to"),
                images,
                fields.text("sourceCommit", "give the commit the images were built from"),
                fields.text("commitAuthor", "give the commit's author: without it self-approval cannot be refused"),
                fields.text("startedBy", "give the user who started the run: without it self-approval cannot be refused"),
                fields.optionalText("ticket"),
                fields.instant("requestedAt", "give the time approval was asked, e.g. 2026-11-24T09:00:00Z"),
                fields.optionalText("runUrl"));
    }

    static JsonNode readTree(String name, byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null) {
                throw new ApprovalInputException(name, "is empty", "give the JSON file as it was written");
            }
            return node;
        } catch (IOException e) {
            throw new ApprovalInputException(name, "is not JSON", "give the JSON file as it was written");
        }
    }
}
