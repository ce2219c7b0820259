package io.jenkins.plugins.securedelivery.signing.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes the SLSA Provenance v1 predicate ({@value #PREDICATE_TYPE}) of a build. The output is deterministic: fields
 * in the order of the SLSA specification, maps in key order, no null and no empty optional field, times in RFC 3339
 * UTC. The in-toto Statement around it (subject = the image digest) is the signing package's business.
 */
public final class SlsaProvenance {

    public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";

    /**
     * Our build type. SLSA asks each builder to define its own: the URI names the schema of externalParameters
     * (source repository + ref, pipeline, parameters) and internalParameters that this plugin writes, so a verifier
     * knows what they mean. It is versioned so that a change of those fields gets a new URI.
     */
    public static final String BUILD_TYPE =
            "https://github.com/jenkinsci/secure-delivery-plugin/build-types/jenkins-pipeline/v1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private SlsaProvenance() {}

    /** The predicate as UTF-8 JSON bytes. */
    public static byte[] predicate(BuildFacts facts) {
        try {
            return JSON.writeValueAsBytes(tree(facts));
        } catch (IOException e) {
            throw new IllegalStateException("JSON of an in-memory tree cannot fail to write", e);
        }
    }

    static ObjectNode tree(BuildFacts facts) {
        ObjectNode predicate = JSON.createObjectNode();
        ObjectNode definition = predicate.putObject("buildDefinition");
        definition.put("buildType", BUILD_TYPE);
        ObjectNode external = definition.putObject("externalParameters");
        ObjectNode source = external.putObject("source");
        source.put("repository", facts.source().repository().toString());
        source.put("ref", facts.source().ref());
        external.put("pipeline", facts.pipeline());
        if (!facts.parameters().isEmpty()) {
            external.set("parameters", strings(facts.parameters()));
        }
        if (!facts.internalParameters().isEmpty()) {
            definition.set("internalParameters", strings(facts.internalParameters()));
        }
        var dependencies = definition.putArray("resolvedDependencies");
        // The source first, named as SLSA's git convention does: git+<repository>@<ref>, digest gitCommit.
        ObjectNode sourceDependency = dependencies.addObject();
        sourceDependency.put("uri", "git+" + facts.source().repository() + "@" + facts.source().ref());
        sourceDependency.putObject("digest").put("gitCommit", facts.source().commit());
        for (BuildFacts.Dependency dependency : facts.resolvedDependencies()) {
            ObjectNode node = dependencies.addObject();
            node.put("uri", dependency.uri());
            node.putObject("digest").put("sha256", dependency.digest().substring("sha256:".length()));
            if (dependency.name() != null && !dependency.name().isBlank()) {
                node.put("name", dependency.name());
            }
        }
        ObjectNode run = predicate.putObject("runDetails");
        run.putObject("builder").put("id", facts.builderId().toString());
        ObjectNode metadata = run.putObject("metadata");
        metadata.put("invocationId", facts.invocationId().toString());
        metadata.put("startedOn", DateTimeFormatter.ISO_INSTANT.format(facts.startedOn()));
        metadata.put("finishedOn", DateTimeFormatter.ISO_INSTANT.format(facts.finishedOn()));
        return predicate;
    }

    private static ObjectNode strings(Map<String, String> values) {
        ObjectNode node = JSON.createObjectNode();
        values.forEach((key, value) -> node.put(key, value == null ? "" : value));
        return node;
    }

    /**
     * The container images a CycloneDX JSON SBOM lists with a sha256 digest (components of type {@code container}),
     * as resolved dependencies: typically the base images of the built image. Components without a sha256 digest
     * are left out, since provenance names inputs by digest only.
     */
    public static List<BuildFacts.Dependency> containerImagesOf(Path cycloneDxJson) {
        JsonNode bom;
        try {
            bom = JSON.readTree(Files.readAllBytes(cycloneDxJson));
        } catch (IOException e) {
            throw new ProvenanceInputException("resolvedDependencies", "cannot read the CycloneDX SBOM "
                    + cycloneDxJson + " (" + e.getMessage() + ")", "Give a readable CycloneDX JSON file");
        }
        if (bom == null || !"CycloneDX".equals(bom.path("bomFormat").asText())) {
            throw new ProvenanceInputException("resolvedDependencies", cycloneDxJson + " is not a CycloneDX JSON SBOM",
                    "Give the SBOM in CycloneDX JSON (bomFormat CycloneDX)");
        }
        List<BuildFacts.Dependency> images = new ArrayList<>();
        for (JsonNode component : bom.path("components")) {
            if (!"container".equals(component.path("type").asText())) {
                continue;
            }
            String hex = sha256Of(component);
            String purl = component.path("purl").asText(null);
            String name = component.path("name").asText(null);
            if (hex != null && (purl != null || name != null)) {
                images.add(new BuildFacts.Dependency(purl != null ? purl : "pkg:oci/" + name, "sha256:" + hex, name));
            }
        }
        return images;
    }

    private static String sha256Of(JsonNode component) {
        for (JsonNode hash : component.path("hashes")) {
            String content = hash.path("content").asText("");
            if ("SHA-256".equals(hash.path("alg").asText()) && SHA256_HEX.matcher(content).matches()) {
                return content;
            }
        }
        String version = component.path("version").asText("");
        if (version.startsWith("sha256:") && SHA256_HEX.matcher(version.substring(7)).matches()) {
            return version.substring(7);
        }
        return null;
    }
}
