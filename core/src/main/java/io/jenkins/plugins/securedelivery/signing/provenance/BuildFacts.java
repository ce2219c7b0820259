package io.jenkins.plugins.securedelivery.signing.provenance;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a CI run knows about a build, from which a SLSA Provenance v1 predicate is written. Every value is checked
 * on construction, so a predicate is never written from a malformed fact.
 *
 * @param builderId            the CI that ran the build, as an absolute URL (e.g. the Jenkins root URL)
 * @param source               the repository, ref and commit the build started from
 * @param pipeline             the job or pipeline that ran, as the CI names it (e.g. {@code team/app/main})
 * @param parameters           the build parameters the user gave; written in key order
 * @param internalParameters   what the CI set that the user could not (e.g. agent label); written in key order
 * @param resolvedDependencies inputs other than the source (base images, tools), each by digest
 * @param invocationId         the run, as an absolute URL (e.g. the Jenkins run URL)
 * @param startedOn            when the build started
 * @param finishedOn           when the build finished, not before {@code startedOn}
 */
public record BuildFacts(
        URI builderId,
        Source source,
        String pipeline,
        Map<String, String> parameters,
        Map<String, String> internalParameters,
        List<Dependency> resolvedDependencies,
        URI invocationId,
        Instant startedOn,
        Instant finishedOn) {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    public BuildFacts {
        absolute("builder.id", builderId);
        Objects.requireNonNull(source, "source");
        if (pipeline == null || pipeline.isBlank()) {
            throw new ProvenanceInputException("externalParameters.pipeline", "no pipeline or job name was given",
                    "Give the job's full name, e.g. team/app/main");
        }
        parameters = new TreeMap<>(parameters == null ? Map.of() : parameters);
        internalParameters = new TreeMap<>(internalParameters == null ? Map.of() : internalParameters);
        resolvedDependencies = List.copyOf(resolvedDependencies == null ? List.of() : resolvedDependencies);
        absolute("runDetails.metadata.invocationId", invocationId);
        if (startedOn == null || finishedOn == null) {
            throw new ProvenanceInputException("runDetails.metadata", "startedOn and finishedOn are both required",
                    "Give the build's start and finish times");
        }
        if (finishedOn.isBefore(startedOn)) {
            throw new ProvenanceInputException("runDetails.metadata.finishedOn",
                    "finishedOn " + finishedOn + " is before startedOn " + startedOn,
                    "Give the times of the same run, finish after start");
        }
    }

    /**
     * The source the build started from.
     *
     * @param repository the repository's absolute URL, e.g. {@code https://git.example.com/team/app.git}
     * @param ref        the ref that was built, e.g. {@code refs/heads/main}
     * @param commit     the full 40-hex-digit commit id
     */
    public record Source(URI repository, String ref, String commit) {
        public Source {
            absolute("externalParameters.source.repository", repository);
            if (ref == null || ref.isBlank()) {
                throw new ProvenanceInputException("externalParameters.source.ref", "no ref was given",
                        "Give the ref that was built, e.g. refs/heads/main");
            }
            if (commit == null || !COMMIT.matcher(commit).matches()) {
                throw new ProvenanceInputException("externalParameters.source.commit",
                        "'" + commit + "' is not a full commit id",
                        "Give the 40 lower-case hex digits of the commit (git rev-parse HEAD)");
            }
        }
    }

    /**
     * An input of the build named by digest, e.g. a base image.
     *
     * @param uri    where it came from, e.g. {@code pkg:docker/eclipse-temurin@21-jre} or an absolute URL
     * @param digest {@code sha256:<64 hex>}
     * @param name   a short human name, or null
     */
    public record Dependency(String uri, String digest, String name) {

        /** Parses {@code URI@sha256:<hex>}, e.g. {@code pkg:docker/library/golang@sha256:...} for a base image. */
        public static Dependency parse(String text) {
            int at = text == null ? -1 : text.lastIndexOf('@');
            if (at <= 0) {
                throw new ProvenanceInputException("resolvedDependencies", "'" + text + "' has no @sha256: digest",
                        "Write it as URI@sha256:<64 hex>, e.g. pkg:docker/library/golang@sha256:<hex> for a base image");
            }
            return new Dependency(text.substring(0, at), text.substring(at + 1), null);
        }

        public Dependency {
            if (!isAbsoluteUri(uri)) {
                throw new ProvenanceInputException("resolvedDependencies.uri", "'" + uri + "' is not an absolute URI",
                        "Give a URL or a package URL (pkg:...) for the dependency");
            }
            if (digest == null || !SHA256.matcher(digest).matches()) {
                throw new ProvenanceInputException("resolvedDependencies.digest",
                        "'" + digest + "' of " + uri + " is not a sha256 digest",
                        "Give it as sha256: followed by 64 lower-case hex digits");
            }
        }
    }

    private static boolean isAbsoluteUri(String uri) {
        try {
            return uri != null && new URI(uri).isAbsolute();
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static void absolute(String field, URI uri) {
        if (uri == null || !uri.isAbsolute() || uri.getHost() == null) {
            throw new ProvenanceInputException(field, "'" + uri + "' is not an absolute URL",
                    "Give a URL with scheme and host, e.g. https://jenkins.example.com/");
        }
    }
}
