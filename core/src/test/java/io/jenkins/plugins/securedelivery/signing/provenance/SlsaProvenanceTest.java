package io.jenkins.plugins.securedelivery.signing.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlsaProvenanceTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String BASE = "sha256:" + "ab".repeat(32);

    private static BuildFacts facts(Map<String, String> parameters, List<BuildFacts.Dependency> dependencies) {
        return new BuildFacts(
                URI.create("https://jenkins.example.com/"),
                new BuildFacts.Source(URI.create("https://git.example.com/team/app.git"), "refs/heads/main", COMMIT),
                "team/app/main",
                parameters,
                Map.of("agent", "linux"),
                dependencies,
                URI.create("https://jenkins.example.com/job/team/job/app/job/main/42/"),
                Instant.parse("2026-11-24T01:02:03Z"),
                Instant.parse("2026-11-24T01:07:09.5Z"));
    }

    @Test
    void writesTheExactPredicateWithSpecFieldOrderSortedParametersAndRfc3339Times() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("RELEASE", "true");
        parameters.put("ENVIRONMENT", "dev");
        var base = new BuildFacts.Dependency("pkg:docker/eclipse-temurin@21-jre", BASE, "eclipse-temurin");

        String json = new String(SlsaProvenance.predicate(facts(parameters, List.of(base))), StandardCharsets.UTF_8);

        assertThat(json.replace("\r\n", "\n")).isEqualTo("""
                {
                  "buildDefinition" : {
                    "buildType" : "https://github.com/jenkinsci/secure-delivery-plugin/build-types/jenkins-pipeline/v1",
                    "externalParameters" : {
                      "source" : {
                        "repository" : "https://git.example.com/team/app.git",
                        "ref" : "refs/heads/main"
                      },
                      "pipeline" : "team/app/main",
                      "parameters" : {
                        "ENVIRONMENT" : "dev",
                        "RELEASE" : "true"
                      }
                    },
                    "internalParameters" : {
                      "agent" : "linux"
                    },
                    "resolvedDependencies" : [ {
                      "uri" : "git+https://git.example.com/team/app.git@refs/heads/main",
                      "digest" : {
                        "gitCommit" : "0123456789abcdef0123456789abcdef01234567"
                      }
                    }, {
                      "uri" : "pkg:docker/eclipse-temurin@21-jre",
                      "digest" : {
                        "sha256" : "abababababababababababababababababababababababababababababababab"
                      },
                      "name" : "eclipse-temurin"
                    } ]
                  },
                  "runDetails" : {
                    "builder" : {
                      "id" : "https://jenkins.example.com/"
                    },
                    "metadata" : {
                      "invocationId" : "https://jenkins.example.com/job/team/job/app/job/main/42/",
                      "startedOn" : "2026-11-24T01:02:03Z",
                      "finishedOn" : "2026-11-24T01:07:09.500Z"
                    }
                  }
                }""");
    }

    @Test
    void hasEveryFieldTheSlsaV1SchemaRequiresAndNoNulls() throws Exception {
        JsonNode predicate = new ObjectMapper().readTree(SlsaProvenance.predicate(facts(Map.of(), List.of())));

        // SLSA v1: buildDefinition{buildType, externalParameters} and runDetails{builder{id}} are REQUIRED.
        assertThat(predicate.at("/buildDefinition/buildType").isTextual()).isTrue();
        assertThat(predicate.at("/buildDefinition/externalParameters").isObject()).isTrue();
        assertThat(predicate.at("/runDetails/builder/id").isTextual()).isTrue();
        // resolvedDependencies are ResourceDescriptors: each with a uri or digest.
        assertThat(predicate.at("/buildDefinition/resolvedDependencies/0/digest/gitCommit").asText()).isEqualTo(COMMIT);
        assertThat(predicate.toString()).doesNotContain("null");
        // No parameters given: the optional field is absent rather than empty.
        assertThat(predicate.at("/buildDefinition/externalParameters").has("parameters")).isFalse();
    }

    @Test
    void isByteForByteTheSameForTheSameFacts() {
        assertThat(SlsaProvenance.predicate(facts(Map.of("B", "2", "A", "1"), List.of())))
                .isEqualTo(SlsaProvenance.predicate(facts(Map.of("A", "1", "B", "2"), List.of())));
    }

    @Test
    void refusesAnAbbreviatedCommitNamingTheFieldAndTheFix() {
        assertThatThrownBy(() -> new BuildFacts.Source(URI.create("https://git.example.com/a.git"), "main", "0123abc"))
                .isInstanceOf(ProvenanceInputException.class)
                .hasMessageContaining("externalParameters.source.commit")
                .hasMessageContaining("'0123abc'")
                .hasMessageContaining("40 lower-case hex digits");
    }

    @Test
    void refusesADigestThatIsNotSha256Hex() {
        assertThatThrownBy(() -> new BuildFacts.Dependency("pkg:docker/alpine@3", "sha512:abcd", null))
                .isInstanceOf(ProvenanceInputException.class)
                .hasMessageContaining("'sha512:abcd' of pkg:docker/alpine@3 is not a sha256 digest");
        assertThatThrownBy(() -> new BuildFacts.Dependency("pkg:docker/alpine@3", "sha256:" + "AB".repeat(32), null))
                .isInstanceOf(ProvenanceInputException.class);
    }

    @Test
    void refusesARelativeBuilderIdOrInvocationUrl() {
        assertThatThrownBy(() -> new BuildFacts(URI.create("/jenkins/"), facts(Map.of(), List.of()).source(),
                "job", Map.of(), Map.of(), List.of(), URI.create("https://ci.example.com/1/"),
                Instant.EPOCH, Instant.EPOCH))
                .isInstanceOf(ProvenanceInputException.class)
                .hasMessageStartingWith("builder.id: '/jenkins/' is not an absolute URL");
        assertThatThrownBy(() -> new BuildFacts(URI.create("https://ci.example.com/"), facts(Map.of(), List.of()).source(),
                "job", Map.of(), Map.of(), List.of(), URI.create("job/1"), Instant.EPOCH, Instant.EPOCH))
                .isInstanceOf(ProvenanceInputException.class)
                .hasMessageStartingWith("runDetails.metadata.invocationId");
    }

    @Test
    void refusesAFinishBeforeTheStart() {
        var source = facts(Map.of(), List.of()).source();
        assertThatThrownBy(() -> new BuildFacts(URI.create("https://ci.example.com/"), source, "job", Map.of(),
                Map.of(), List.of(), URI.create("https://ci.example.com/1/"), Instant.parse("2026-01-02T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z")))
                .isInstanceOf(ProvenanceInputException.class)
                .hasMessageContaining("finishedOn 2026-01-01T00:00:00Z is before startedOn 2026-01-02T00:00:00Z");
    }

    @Test
    void takesBaseImagesWithTheirDigestFromACycloneDxSbom(@TempDir Path dir) throws Exception {
        Path sbom = dir.resolve("bom.json");
        Files.writeString(sbom, """
                {"bomFormat":"CycloneDX","specVersion":"1.6","components":[
                  {"type":"container","name":"eclipse-temurin","version":"sha256:%s",
                   "purl":"pkg:oci/eclipse-temurin@sha256%%3A%s"},
                  {"type":"container","name":"untracked","version":"latest"},
                  {"type":"library","name":"guava","version":"33.0.0",
                   "hashes":[{"alg":"SHA-256","content":"%s"}]}
                ]}""".formatted("cd".repeat(32), "cd".repeat(32), "ef".repeat(32)));

        assertThat(SlsaProvenance.containerImagesOf(sbom)).containsExactly(new BuildFacts.Dependency(
                "pkg:oci/eclipse-temurin@sha256%3A" + "cd".repeat(32), "sha256:" + "cd".repeat(32), "eclipse-temurin"));
    }

    @Test
    void refusesAFileThatIsNotACycloneDxSbom(@TempDir Path dir) throws Exception {
        Path spdx = Files.writeString(dir.resolve("spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        assertThatThrownBy(() -> SlsaProvenance.containerImagesOf(spdx))
                .isInstanceOf(ProvenanceInputException.class)
                .hasMessageContaining("is not a CycloneDX JSON SBOM");
    }

    @Test
    void parsesADependencyAtItsLastAtSignAndRefusesOneWithoutADigest() {
        String digest = "sha256:" + "ab".repeat(32);

        assertThat(BuildFacts.Dependency.parse("pkg:docker/eclipse-temurin@21-jre@" + digest))
                .isEqualTo(new BuildFacts.Dependency("pkg:docker/eclipse-temurin@21-jre", digest, null));
        assertThatThrownBy(() -> BuildFacts.Dependency.parse("pkg:docker/golang"))
                .isInstanceOf(ProvenanceInputException.class).hasMessageContaining("pkg:docker/golang").hasMessageContaining("@sha256:");
        assertThatThrownBy(() -> BuildFacts.Dependency.parse("docker.io/library/golang@" + digest))
                .isInstanceOf(ProvenanceInputException.class).hasMessageContaining("not an absolute URI");
    }
}
