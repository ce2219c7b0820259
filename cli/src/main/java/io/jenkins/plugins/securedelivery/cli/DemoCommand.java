package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.AtomicFile;
import io.jenkins.plugins.securedelivery.approval.ApprovalRecord;
import io.jenkins.plugins.securedelivery.canary.AnalysisTarget;
import io.jenkins.plugins.securedelivery.canary.CanaryPolicy;
import io.jenkins.plugins.securedelivery.canary.CanaryVerdict;
import io.jenkins.plugins.securedelivery.canary.GitRollback;
import io.jenkins.plugins.securedelivery.canary.MetricRecording;
import io.jenkins.plugins.securedelivery.canary.Outcome;
import io.jenkins.plugins.securedelivery.canary.PrometheusAnalysis;
import io.jenkins.plugins.securedelivery.canary.PrometheusServer;
import io.jenkins.plugins.securedelivery.canary.SimulatedTrafficService;
import io.jenkins.plugins.securedelivery.gitops.Deployment;
import io.jenkins.plugins.securedelivery.gitops.DeploymentHistory;
import io.jenkins.plugins.securedelivery.gitops.ImagePin;
import io.jenkins.plugins.securedelivery.gitops.OverlayEditor;
import io.jenkins.plugins.securedelivery.gitops.Promotion;
import io.jenkins.plugins.securedelivery.gitops.PromotionResult;
import io.jenkins.plugins.securedelivery.gitops.Rollback;
import io.jenkins.plugins.securedelivery.metrics.DoraFormat;
import io.jenkins.plugins.securedelivery.metrics.DoraMetrics;
import io.jenkins.plugins.securedelivery.metrics.Window;
import io.jenkins.plugins.securedelivery.oci.Descriptor;
import io.jenkins.plugins.securedelivery.oci.ImageFromFiles;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.oci.OciStore;
import io.jenkins.plugins.securedelivery.sbom.SbomFile;
import io.jenkins.plugins.securedelivery.sbom.SbomFormat;
import io.jenkins.plugins.securedelivery.sbom.SbomGenerator;
import io.jenkins.plugins.securedelivery.sbom.SbomSummary;
import io.jenkins.plugins.securedelivery.signing.ImageSignatures;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import io.jenkins.plugins.securedelivery.signing.PredicateTypes;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.VerificationReport;
import io.jenkins.plugins.securedelivery.signing.provenance.BuildFacts;
import io.jenkins.plugins.securedelivery.signing.provenance.SlsaProvenance;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.cyclonedx.model.Bom;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code secure-delivery demo}: the documented flow, run locally on the sample application the repository ships
 * ({@code demo/sample-app}), in a temporary workspace, stage by stage. Needs nothing but Java.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the delivery flow on the bundled sample application (a Go gateway, an npm console, Python tooling) "
                + "in a temporary workspace, printing each stage.",
                "Stages: SBOM, build, quality gate, sign, attest, verify, approval (CAB for prod), promote (dev, staging, prod),",
                "canary analysis and rollback to git, history and DORA, evidence bundle and audit log."})
final class DemoCommand implements Callable<Integer> {

    /** One stage of the flow; later stages read what earlier ones left in the workspace. */
    interface Stage {
        String name();

        /** Runs the stage; returns false when its check failed (the flow stops there). */
        boolean run(Path workspace, PrintWriter out) throws Exception;
    }

    @Spec CommandSpec spec;

    /** Where the canary stage's metrics come from. */
    enum CanaryMetrics { AUTO, LIVE, RECORDED }

    @Option(names = "--canary-metrics", paramLabel = "auto|live|recorded", description = "The canary analysis's metrics: live (a "
            + "Prometheus the demo starts, scraping a simulated checkout service; needs Debian's prometheus), recorded (a recorded "
            + "run of that), or auto (default: live when Prometheus is installed).")
    CanaryMetrics canaryMetrics = CanaryMetrics.AUTO;

    @Option(names = "--workspace", paramLabel = "DIR", description = "Run here instead of a new temporary directory (it must be empty or absent).")
    Path workspace;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = prepareWorkspace();
        Path app = dir.resolve("sample-app");
        copySampleApp(app);
        copyTree(resource("/demo/policies/approvals.yaml").getParent(), dir.resolve("policies"));
        copyTree(resource("/demo/canary/README.md").getParent(), dir.resolve("canary"));
        out.println("== Secure Delivery demo: the sample medical platform, in " + dir);
        List<Stage> stages = List.of(new SbomStage(), new BuildStage(), new GateStage(), new SignStage(), new AttestStage(), new VerifyStage(),
                new ApprovalStage(), new PromoteStage(),
                new RollbackStage(canaryMetrics == CanaryMetrics.LIVE || canaryMetrics == CanaryMetrics.AUTO && PrometheusServer.isInstalled()), new HistoryStage(), new EvidenceStage());
        int number = 1;
        for (Stage stage : stages) {
            out.printf("%n[%d/%d] %s%n", number, stages.size(), stage.name());
            out.flush();
            if (!stage.run(dir, out)) {
                out.printf("%n== The flow stopped at stage %d (%s).%n", number, stage.name());
                return SecureDelivery.FAILED_CHECK;
            }
            number++;
        }
        out.printf("%n== Done: %d stage(s) passed. Everything the flow produced is in %s%n", stages.size(), dir);
        return 0;
    }

    /** Build once, know what is inside: the CycloneDX SBOM of the release's source, validated. */
    static final class SbomStage implements Stage {
        @Override
        public String name() {
            return "SBOM: CycloneDX 1.6 of the source tree (Go, npm, Python)";
        }

        @Override
        public boolean run(Path workspace, PrintWriter out) throws Exception {
            Path app = workspace.resolve("sample-app");
            Path sbom = workspace.resolve("sbom.cdx.json");
            Bom bom = new SbomGenerator(app).name("medical-platform").version("1.4.0").call();
            SbomFile.write(bom, SbomFormat.JSON, sbom);
            SbomSummary summary = SbomSummary.of(bom);
            out.println("  generated  " + sbom);
            out.println("  contents   " + summary.line());
            out.println("  licences   " + String.join(", ", summary.licenses())
                    + (summary.unlicensed() > 0 ? " (" + summary.unlicensed() + " package(s) declare none)" : ""));
            bom.getComponents().forEach(c -> out.println("    " + c.getPurl() + "  [" + c.getScope().getScopeName() + "]"));
            List<String> problems = SbomFile.validate(sbom);
            if (!problems.isEmpty()) {
                out.println("  validate   INVALID: " + problems);
                return false;
            }
            out.println("  validate   valid against the CycloneDX 1.6 schema");
            return true;
        }
    }

    /** The image the demo builds, in an OCI layout inside the workspace (no registry needed). */
    static final ImageReference IMAGE = ImageReference.parse("localhost/medical-platform:1.4.0");
    /** The demo key's password: a demo secret, never a real one. */
    static final char[] DEMO_PASSWORD = "demo-only-password".toCharArray();

    static OciStore layout(Path workspace) throws IOException {
        return new OciLayoutStore(workspace.resolve("oci-layout"));
    }

    static SigningKey demoKey(Path workspace) {
        return KeyFiles.readSigningKey(workspace.resolve("keys/cosign.key"), PasswordSource.of(DEMO_PASSWORD));
    }

    /** Build once: one reproducible image per commit, from the sample app's files. */
    static final class BuildStage implements Stage {
        @Override
        public String name() {
            return "Build: one image per commit, pushed to an OCI image layout";
        }

        @Override
        public boolean run(Path workspace, PrintWriter out) throws Exception {
            Descriptor image = new ImageFromFiles(workspace.resolve("sample-app")).entrypoint(List.of("/app/gateway"))
                    .push(layout(workspace), IMAGE);
            out.println("  image      " + IMAGE + " in " + workspace.resolve("oci-layout"));
            out.println("  digest     " + image.digest() + " (from here on, only the digest is trusted)");
            return true;
        }
    }

    /** Sign the digest with a freshly generated cosign key, in both of cosign's storage formats. */
    static final class SignStage implements Stage {
        @Override
        public String name() {
            return "Sign: cosign-compatible, legacy .sig tag and v3 Sigstore bundle referrer";
        }

        @Override
        public boolean run(Path workspace, PrintWriter out) throws Exception {
            KeyFiles.GeneratedKeyPair keys = KeyFiles.generate(Files.createDirectories(workspace.resolve("keys")), "cosign",
                    PasswordSource.of(DEMO_PASSWORD));
            out.println("  key pair   " + keys.privateKeyFile() + " (encrypted, as cosign writes it), " + keys.publicKeyFile());
            ImageSignatures.Stored stored = new ImageSignatures(layout(workspace)).sign(IMAGE, demoKey(workspace),
                    ImageSignatures.allFormats(), Instant.now());
            stored.locations().forEach(l -> out.println("  stored     " + l));
            return true;
        }
    }

    /** Attest what is inside (the SBOM) and how it was built (SLSA provenance), signed, attached as referrers. */
    static final class AttestStage implements Stage {
        @Override
        public String name() {
            return "Attest: the SBOM (CycloneDX) and SLSA v1 provenance, in-toto in DSSE";
        }

        @Override
        public boolean run(Path workspace, PrintWriter out) throws Exception {
            Instant finished = Instant.now();
            BuildFacts facts = new BuildFacts(URI.create("https://jenkins.example.com/"),
                    new BuildFacts.Source(URI.create("https://git.example.com/medical/platform.git"), "refs/heads/main",
                            "4f1b2c3d4e5f60718293a4b5c6d7e8f901234567"),
                    "medical/platform/main", Map.of("RELEASE", "1.4.0"), Map.of(), List.of(),
                    URI.create("https://jenkins.example.com/job/medical/job/platform/job/main/42/"),
                    finished.minusSeconds(95), finished);
            Path provenance = workspace.resolve("provenance.json");
            Files.write(provenance, SlsaProvenance.predicate(facts));
            ImageSignatures signatures = new ImageSignatures(layout(workspace));
            signatures.attest(IMAGE, demoKey(workspace), PredicateTypes.CYCLONEDX, Files.readAllBytes(workspace.resolve("sbom.cdx.json")),
                    "sbom.cdx.json", finished).locations().forEach(l -> out.println("  sbom       " + l));
            signatures.attest(IMAGE, demoKey(workspace), PredicateTypes.SLSA_PROVENANCE_V1, Files.readAllBytes(provenance),
                    "provenance.json", finished).locations().forEach(l -> out.println("  provenance " + l));
            return true;
        }
    }

    /** Nothing is promoted unless its signatures and required attestations verify; a stranger's key must fail. */
    static final class VerifyStage implements Stage {
        @Override
        public String name() {
            return "Verify: signatures and required attestations (cyclonedx, slsaprovenance), fail closed";
        }

        @Override
        public boolean run(Path workspace, PrintWriter out) throws Exception {
            ImageSignatures signatures = new ImageSignatures(layout(workspace));
            Set<String> required = Set.of(PredicateTypes.CYCLONEDX, PredicateTypes.SLSA_PROVENANCE_V1);
            VerificationReport report = signatures.verify(IMAGE, KeyFiles.readVerificationKey(workspace.resolve("keys/cosign.pub")), required);
            report.summary().lines().forEach(l -> out.println("  " + l));
            KeyFiles.GeneratedKeyPair stranger = KeyFiles.generate(Files.createDirectories(workspace.resolve("stranger")), "cosign",
                    PasswordSource.of(DEMO_PASSWORD));
            VerificationReport impostor = signatures.verify(IMAGE, stranger.verificationKey(), required);
            out.println("  a stranger's key: " + (impostor.passed() ? "PASSED (this must never happen)" : "FAILED, as it must"));
            return report.passed() && !impostor.passed();
        }
    }

    /** The image name the overlays know (seed 000's single image). */
    static final String OVERLAY_IMAGE = "ghcr.io/org/medical-platform";
    /** Where the release's image is published (an example registry: the demo keeps the image in an OCI layout). */
    static final String REGISTRY_IMAGE = "registry.example.com/medical/platform";
    static final String SOURCE_REPOSITORY = "https://git.example.com/medical/platform.git";
    static final String SOURCE_COMMIT = "4f1b2c3d4e5f60718293a4b5c6d7e8f901234567";
    static final String RUN_URL = "https://jenkins.example.com/job/medical/job/platform/job/main/42/";

    /** The GitOps repository: a local bare repository made from the demo's sample (demo/gitops). */
    static String gitopsRepository(Path workspace) {
        return workspace.resolve("gitops.git").toUri().toString();
    }

    static PromotionResult promote(Path workspace, String environment, String from, List<ImagePin> images, Instant committedAt,
                                   List<String> approvers) {
        Promotion promotion = new Promotion().repository(gitopsRepository(workspace)).environment(environment)
                .editor(pins -> new OverlayEditor(pins, false))
                .sourceRepository(SOURCE_REPOSITORY).sourceCommit(SOURCE_COMMIT).sourceCommittedAt(committedAt)
                .runUrl(RUN_URL).approvers(approvers)
                .author("Release Bot", "release-bot@example.com");
        if (from != null) {
            promotion.from(from, OverlayEditor::current);
        } else {
            promotion.images(images);
        }
        return promotion.call();
    }

    /** Gate: only a verified image (signature, SBOM and provenance) is promoted; then dev, staging, prod by git commits. */
    static final class PromoteStage implements Stage {
        @Override
        public String name() {
            return "Promote: verified digest to dev, then staging and prod (--from), one git commit each";
        }

        @Override
        public boolean run(Path workspace, PrintWriter out) throws Exception {
            seedGitopsRepository(workspace);
            out.println("  repository " + gitopsRepository(workspace) + " (seed 000's deploy/kustomize layout)");
            Descriptor image = layout(workspace).resolve(IMAGE);
            ImagePin pin = new ImagePin(OVERLAY_IMAGE, REGISTRY_IMAGE, image.digest());
            Instant committed = Instant.now().minusSeconds(3 * 3600);
            out.println("  dev        " + promote(workspace, "dev", null, List.of(pin), committed, List.of()).summary());
            out.println("  staging    " + promote(workspace, "staging", "dev", null, committed, List.of()).summary());
            ApprovalRecord approval = ApprovalStage.verifiedRecord(workspace);
            approval.checkCovers(ApprovalStage.RECORD, "prod", List.of(image.digest()), Instant.now());
            out.println("  approval   " + ApprovalStage.RECORD + " verified: it approves this digest for prod, by "
                    + String.join(", ", approval.approvers()));
            out.println("  prod       " + promote(workspace, "prod", "staging", null, committed, approval.approvers()).summary());
            out.println("  again      " + promote(workspace, "prod", "staging", null, committed, approval.approvers()).summary());
            return true;
        }
    }

    /**
     * A second release reaches prod and misbehaves: the canary analysis (on a recorded run of a real Prometheus) fails
     * it, and the rollback is written to git as the canary watch writes it: one commit putting every image back.
     */
    static final class RollbackStage implements Stage {
        private final boolean live;

        RollbackStage(boolean live) {
            this.live = live;
        }

        @Override
        public String name() {
            return "Canary and rollback: release 1.4.1 reaches prod, its canary analysis fails, prod goes back to 1.4.0 in one commit";
        }

        @Override
        public boolean run(Path workspace, PrintWriter out) throws Exception {
            ImageReference next = ImageReference.parse("localhost/medical-platform:1.4.1");
            Descriptor image = new ImageFromFiles(workspace.resolve("sample-app")).entrypoint(List.of("/app/gateway", "--release=1.4.1"))
                    .push(layout(workspace), next);
            new ImageSignatures(layout(workspace)).sign(next, demoKey(workspace), ImageSignatures.allFormats(), Instant.now());
            ImagePin pin = new ImagePin(OVERLAY_IMAGE, REGISTRY_IMAGE, image.digest());
            Instant committed = Instant.now().minusSeconds(1800);
            promote(workspace, "dev", null, List.of(pin), committed, List.of());
            promote(workspace, "staging", "dev", null, committed, List.of());
            out.println("  prod       " + promote(workspace, "prod", "staging", null, committed, List.of("alice", "carol")).summary());

            CanaryPolicy policy = CanaryPolicy.load(workspace.resolve("canary/demo-policy.yaml"));
            CanaryVerdict verdict = live ? liveCanary(workspace, policy, out) : recordedCanary(workspace, policy, out);
            verdict.toText().lines().forEach(line -> out.println("  " + line));
            AtomicFile.write(workspace.resolve("canary-verdict.json"), verdict.toJson().getBytes(StandardCharsets.UTF_8));
            if (verdict.outcome() == Outcome.PASS) {
                out.println("  this canary answers 8% of requests with errors: a PASS here means the analysis is broken");
                return false;
            }
            PromotionResult rollback = new GitRollback(gitopsRepository(workspace), null, "prod", null, null,
                    "https://jenkins.example.com/job/medical/job/platform/job/main/43/", null).call();
            out.println("  rollback   " + rollback.summary());
            String released = layout(workspace).resolve(IMAGE).digest();
            boolean restored = rollback.images().stream().allMatch(p -> p.digest().equals(released));
            out.println("  prod runs  " + String.join(", ", rollback.images().stream().map(ImagePin::toString).toList())
                    + (restored ? " (release 1.4.0 again)" : " (NOT release 1.4.0)"));
            return restored;
        }
    }

    /**
     * The canary's metrics live: Debian's Prometheus, started here, scrapes a simulated checkout service whose canary
     * answers 8 % of requests with errors (the baseline 0.3 %), both at 40 requests a second, for about 20 seconds.
     */
    static CanaryVerdict liveCanary(Path workspace, CanaryPolicy policy, PrintWriter out) throws Exception {
        SimulatedTrafficService.Behaviour baseline = new SimulatedTrafficService.Behaviour(40, 0.003, 0.080);
        SimulatedTrafficService.Behaviour canary = new SimulatedTrafficService.Behaviour(40, 0.08, 0.080);
        try (SimulatedTrafficService checkout = new SimulatedTrafficService(Map.of("bad-errors",
                     new SimulatedTrafficService.Behaviour[] {canary, baseline}));
             PrometheusServer prometheus = new PrometheusServer(Files.createDirectories(workspace.resolve("prometheus")), checkout.address())) {
            out.println("  canary     live: Prometheus on " + prometheus.url() + " scrapes the checkout service every second"
                    + " (canary 8% errors, baseline 0.3%); waiting for 20 s of traffic...");
            out.flush();
            prometheus.awaitScrapes(24, Duration.ofSeconds(90));
            Instant to = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
            return new PrometheusAnalysis(policy, prometheus.endpoint()).analyze(AnalysisTarget.none(), to.minusSeconds(20), to);
        }
    }

    /** The canary's metrics from a recorded live run (demo/canary/README.md says how it was made). */
    static CanaryVerdict recordedCanary(Path workspace, CanaryPolicy policy, PrintWriter out) throws Exception {
        MetricRecording recording = MetricRecording.read(workspace.resolve("canary/bad-canary-recording.json"));
        out.println("  canary     recorded: a run of a real Prometheus (" + recording.from() + " to " + recording.to()
                + "); run with Debian's prometheus installed to see it live");
        return new PrometheusAnalysis(policy, recording).analyze(AnalysisTarget.none(), recording.from(), recording.to());
    }

    /** Git is the system of record: the history and the DORA figures come from the commit trailers alone. */
    static final class HistoryStage implements Stage {
        @Override
        public String name() {
            return "History and DORA metrics of prod, from the GitOps repository alone";
        }

        @Override
        public boolean run(Path workspace, PrintWriter out) throws Exception {
            List<Deployment> history = new DeploymentHistory().repository(gitopsRepository(workspace)).environment("prod").call();
            for (Deployment d : history) {
                out.printf("  %s %s %-8s %s%n", d.commit().substring(0, 12), d.deployedAt(), d.isRollback() ? "ROLLBACK" : "promote",
                        d.images().get(0).digest().substring(0, 19) + (d.approvers().isEmpty() ? "" : "  approved by " + String.join(", ", d.approvers())));
            }
            Window window = Window.since("90d", Instant.now());
            DoraFormat.TEXT.render(DoraMetrics.of("prod", history, window)).lines().forEach(l -> out.println("  " + l));
            return history.size() == 3 && history.get(0).isRollback();
        }
    }

    /** Makes the GitOps repository: a bare repository holding demo/gitops as its first commit on main. */
    private static void seedGitopsRepository(Path workspace) throws Exception {
        Path seed = workspace.resolve("gitops-seed");
        copyTree(resource("/demo/gitops/README.md").getParent(), seed);
        createGitopsRepository(seed, workspace.resolve("gitops.git"));
    }

    /** A bare repository (branch main) whose first commit holds the files of {@code content}, a plain directory. */
    static void createGitopsRepository(Path content, Path bare) throws Exception {
        try (Git repository = Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call();
             Git git = Git.init().setInitialBranch("main").setDirectory(content.toFile()).call()) {
            git.add().addFilepattern(".").call();
            PersonIdent team = new PersonIdent("Platform Team", "platform@example.com");
            git.commit().setMessage("Bootstrap the GitOps repository (seed 000 layout)").setAuthor(team).setCommitter(team).setSign(false).call();
            git.push().setRemote(bare.toUri().toString()).add("main").call();
        }
    }

    private Path prepareWorkspace() throws IOException {
        if (workspace == null) {
            return Files.createTempDirectory("secure-delivery-demo-");
        }
        if (Files.exists(workspace)) {
            try (Stream<Path> entries = Files.list(workspace)) {
                if (entries.findAny().isPresent()) {
                    throw new io.jenkins.plugins.securedelivery.sbom.SbomInputException(workspace.toString(), 0,
                            "the workspace is not empty", "give an empty or new directory, or omit --workspace");
                }
            }
        }
        return Files.createDirectories(workspace);
    }

    /** Copies the sample application shipped inside this jar (or, in a development build, its classes directory). */
    private static void copySampleApp(Path target) throws IOException, URISyntaxException {
        copyTree(resource("/demo/sample-app/README.md").getParent(), target);
    }

    /** A file the jar ships, as a path (the jar is opened as a file system once, and stays open for the run). */
    private static synchronized Path resource(String name) throws IOException, URISyntaxException {
        URL url = DemoCommand.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException(name + " is missing from the build");
        }
        URI uri = url.toURI();
        if (!uri.getScheme().equals("jar")) {
            return Path.of(uri);
        }
        FileSystem jar;
        try {
            jar = FileSystems.getFileSystem(uri);
        } catch (java.nio.file.FileSystemNotFoundException notOpenYet) {
            jar = FileSystems.newFileSystem(uri, Map.of());
        }
        return jar.getPath(name);
    }

    static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
    }
}
