package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.evidence.EvidenceBundle;
import io.jenkins.plugins.securedelivery.evidence.EvidenceFile;
import io.jenkins.plugins.securedelivery.evidence.EvidenceInputException;
import io.jenkins.plugins.securedelivery.evidence.EvidenceReport;
import io.jenkins.plugins.securedelivery.evidence.EvidenceStore;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code secure-delivery evidence}: signed, reproducible evidence bundles of a release, and where they are kept. */
@Command(name = "evidence", mixinStandardHelpOptions = true,
        description = "Create, verify, push and pull signed evidence bundles: a release's reports, gate verdicts and approvals in one zip.",
        subcommands = {EvidenceCommand.Create.class, EvidenceCommand.Verify.class, EvidenceCommand.Push.class, EvidenceCommand.Pull.class})
final class EvidenceCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Write a deterministic zip of FILES (under files/, named by their path relative to --base), with manifest.json "
                    + "(each file's SHA-256 and size, the image digest, source commit, run URL, gates, approvals) and manifest.dsse.json, "
                    + "the manifest signed as a DSSE envelope.",
                    "Same inputs, same bytes: entries are dated SOURCE_DATE_EPOCH (else 1980-02-01); set --created (or SOURCE_DATE_EPOCH) "
                            + "to fix the manifest's creation time too.",
                    "Prints the bundle and its sha256. Nothing is written unless every file was read."})
    static final class Create implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--image", required = true, paramLabel = "IMAGE@DIGEST", description = "The image the evidence is about, by digest.")
        String image;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The bundle to write (replaced whole, or not at all).")
        Path out;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Signing key: cosign.key (encrypted) or a PEM EC P-256 key.")
        Path key;

        @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the key's password. Default: COSIGN_PASSWORD when set.")
        String passwordEnv;

        @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the key's password.")
        Path passwordFile;

        @Option(names = "--source-repo", paramLabel = "URL", description = "The source repository (without credentials).")
        String sourceRepository;

        @Option(names = "--source-commit", paramLabel = "SHA", description = "The full source commit hash.")
        String sourceCommit;

        @Option(names = "--run-url", paramLabel = "URL", description = "The CI run that assembled the evidence.")
        String runUrl;

        @Option(names = "--created", paramLabel = "TIME", description = "Creation time (ISO-8601, e.g. 2026-11-24T10:00:00Z). Default: SOURCE_DATE_EPOCH when set, else now.")
        String created;

        @Option(names = "--gate", paramLabel = "FILE", description = "A gate verdict (JSON); included and listed under gates. Repeatable.")
        List<Path> gates = List.of();

        @Option(names = "--approval", paramLabel = "FILE", description = "An approval record (JSON); included and listed under approvals. Repeatable.")
        List<Path> approvals = List.of();

        @Option(names = "--base", paramLabel = "DIR", defaultValue = ".", description = "Files are named by their path relative to this directory. Default: the working directory.")
        Path base;

        @Parameters(paramLabel = "FILES", arity = "0..*", description = "Reports, SBOMs and other files of the release.")
        List<Path> files = List.of();

        @Override
        public Integer call() throws Exception {
            EvidenceBundle.Request request = new EvidenceBundle.Request(RegistryOptions.image(image), sourceRepository, sourceCommit, runUrl,
                    createdAt(), named(files), named(gates), named(approvals));
            EvidenceBundle.Created bundle = EvidenceBundle.create(request, SignerOptions.readKey(key, passwordEnv, passwordFile), out);
            spec.commandLine().getErr().println("wrote " + bundle.manifest().files().size() + " files of evidence for "
                    + bundle.manifest().imageName() + "@" + bundle.manifest().imageDigest());
            spec.commandLine().getOut().println(bundle.bundle() + " " + bundle.sha256());
            return 0;
        }

        private List<EvidenceFile> named(List<Path> paths) {
            return paths.stream().map(p -> EvidenceFile.of(base, p)).toList();
        }

        private Instant createdAt() {
            if (created != null) {
                try {
                    return Instant.parse(created);
                } catch (DateTimeParseException e) {
                    throw new EvidenceInputException("--created " + created, "not an ISO-8601 instant", "give it as 2026-11-24T10:00:00Z");
                }
            }
            String epoch = System.getenv("SOURCE_DATE_EPOCH");
            if (epoch == null || epoch.isBlank()) {
                return Instant.now();
            }
            try {
                return Instant.ofEpochSecond(Long.parseLong(epoch.strip()));
            } catch (NumberFormatException e) {
                throw new EvidenceInputException("SOURCE_DATE_EPOCH", "'" + epoch + "' is not a number of seconds",
                        "set it to the commit time in seconds, e.g. $(git log -1 --format=%ct), or unset it");
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a bundle: the manifest's signature, manifest.json equal to the signed manifest, every listed file present "
                    + "with its SHA-256 and size, nothing unlisted, no entry repeated or escaping, and the image digest when --image is given.",
                    "Prints what was checked. Exit 1 when anything differs."})
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path bundle;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "The signer's public key (cosign.pub).")
        Path key;

        @Option(names = "--image", paramLabel = "IMAGE@DIGEST", description = "The image the bundle must be about.")
        String image;

        @Override
        public Integer call() throws Exception {
            ImageReference expected = image == null ? null : RegistryOptions.image(image);
            EvidenceReport report = EvidenceBundle.verify(bundle, KeyFiles.readVerificationKey(key), expected);
            (report.passed() ? spec.commandLine().getOut() : spec.commandLine().getErr()).print(report.summary());
            return report.passed() ? 0 : SecureDelivery.FAILED_CHECK;
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {"Push a bundle to the registry as an OCI artifact (type " + EvidenceStore.ARTIFACT_TYPE + ") whose subject is "
                    + "the image it is about; found through the referrers API or the sha256-<hex> tag fallback.",
                    "Prints the artifact's reference."})
    static final class Push implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path bundle;

        @Option(names = "--image", paramLabel = "IMAGE", description = "Where the image is. Default: the image the bundle's manifest names.")
        String image;

        @Mixin RegistryOptions registry;

        @Override
        public Integer call() throws Exception {
            ImageReference target = image == null ? null : RegistryOptions.image(image);
            EvidenceStore.Pushed pushed = new EvidenceStore(registry.open())
                    .push(target, Files.readAllBytes(bundle), bundle.getFileName().toString());
            spec.commandLine().getErr().println("stored evidence for " + pushed.image());
            spec.commandLine().getOut().println(pushed.location());
            return 0;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Pull the newest evidence bundle pushed for IMAGE (by its creation time) and write it to --out.",
                    "Verify it with evidence verify before trusting it."})
    static final class Pull implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IMAGE")
        String image;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Where to write the bundle.")
        Path out;

        @Mixin RegistryOptions registry;

        @Override
        public Integer call() throws Exception {
            ImageReference reference = RegistryOptions.image(image);
            EvidenceStore store = new EvidenceStore(registry.open());
            Descriptor newest = store.list(reference).stream()
                    .max(Comparator.comparing((Descriptor d) -> d.annotations().getOrDefault("org.opencontainers.image.created", ""))
                            .thenComparing(Descriptor::digest))
                    .orElseThrow(() -> new EvidenceInputException(image, "no evidence bundle refers to this image",
                            "push one with evidence push, or check the image reference"));
            AtomicFile.write(out, store.pull(reference, newest.digest()));
            spec.commandLine().getErr().println("pulled " + reference.repositoryReference().withDigest(newest.digest()));
            spec.commandLine().getOut().println(out);
            return 0;
        }
    }
}
