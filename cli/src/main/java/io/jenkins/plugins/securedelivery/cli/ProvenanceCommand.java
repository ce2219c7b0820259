package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.signing.provenance.BuildFacts;
import io.jenkins.plugins.securedelivery.signing.provenance.SlsaProvenance;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secure-delivery provenance}: a SLSA Provenance v1 predicate from the facts of a build. */
@Command(name = "provenance", mixinStandardHelpOptions = true,
        description = {"Write a SLSA Provenance v1 predicate from build facts, ready for `attest --type slsaprovenance`.",
                "Output is deterministic: the same facts give the same bytes."})
final class ProvenanceCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--builder-id", required = true, paramLabel = "URL", description = "The CI that built, e.g. the Jenkins root URL.")
    URI builderId;

    @Option(names = "--source-repo", required = true, paramLabel = "URL", description = "The source repository's URL.")
    URI sourceRepo;

    @Option(names = "--source-ref", defaultValue = "refs/heads/main", paramLabel = "REF", description = "The ref built. Default: ${DEFAULT-VALUE}.")
    String sourceRef;

    @Option(names = "--source-commit", required = true, paramLabel = "SHA", description = "The full 40-hex commit id built.")
    String sourceCommit;

    @Option(names = "--pipeline", required = true, paramLabel = "NAME", description = "The job or pipeline, e.g. team/app/main.")
    String pipeline;

    @Option(names = "--invocation-id", required = true, paramLabel = "URL", description = "The run's URL, e.g. the Jenkins build URL.")
    URI invocationId;

    @Option(names = "--parameter", paramLabel = "KEY=VALUE", description = "A build parameter the user gave (repeatable).")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--dependency", paramLabel = "URI@sha256:HEX", description = "A resolved input other than the source, by digest, e.g. pkg:docker/library/golang@sha256:<hex> (repeatable).")
    List<String> dependencies = new ArrayList<>();

    @Option(names = "--sbom", paramLabel = "FILE", description = "Add the container images a CycloneDX SBOM lists (with digests) as resolved dependencies.")
    Path sbom;

    @Option(names = "--started-on", required = true, paramLabel = "RFC3339", description = "When the build started, e.g. 2026-11-24T01:00:00Z.")
    Instant startedOn;

    @Option(names = "--finished-on", paramLabel = "RFC3339", description = "When the build finished. Default: now.")
    Instant finishedOn;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (whole or not at all). Default: standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        List<BuildFacts.Dependency> resolved = new ArrayList<>();
        for (String dependency : dependencies) {
            resolved.add(BuildFacts.Dependency.parse(dependency));
        }
        if (sbom != null) {
            resolved.addAll(SlsaProvenance.containerImagesOf(sbom));
        }
        BuildFacts facts = new BuildFacts(builderId, new BuildFacts.Source(sourceRepo, sourceRef, sourceCommit), pipeline,
                parameters, Map.of(), resolved, invocationId, startedOn, finishedOn != null ? finishedOn : Instant.now());
        byte[] predicate = SlsaProvenance.predicate(facts);
        if (output == null) {
            System.out.write(predicate);
            System.out.flush();
        } else {
            AtomicFile.write(output, predicate);
            spec.commandLine().getErr().println("SLSA provenance for " + sourceCommit + " -> " + output);
        }
        return 0;
    }
}
