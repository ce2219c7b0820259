package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.sbom.SbomFile;
import io.jenkins.plugins.securedelivery.sbom.SbomFormat;
import io.jenkins.plugins.securedelivery.sbom.SbomGenerator;
import io.jenkins.plugins.securedelivery.sbom.SbomSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.cyclonedx.model.Bom;
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
                "Stages today: SBOM. Signing, promotion, canary, gates and approvals join as they land."})
final class DemoCommand implements Callable<Integer> {

    /** One stage of the flow; later stages read what earlier ones left in the workspace. */
    interface Stage {
        String name();

        /** Runs the stage; returns false when its check failed (the flow stops there). */
        boolean run(Path workspace, PrintWriter out) throws Exception;
    }

    @Spec CommandSpec spec;

    @Option(names = "--workspace", paramLabel = "DIR", description = "Run here instead of a new temporary directory (it must be empty or absent).")
    Path workspace;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = prepareWorkspace();
        Path app = dir.resolve("sample-app");
        copySampleApp(app);
        out.println("== Secure Delivery demo: the sample medical platform, in " + dir);
        List<Stage> stages = List.of(new SbomStage());
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
        URL marker = DemoCommand.class.getResource("/demo/sample-app/README.md");
        if (marker == null) {
            throw new IllegalStateException("the sample application is missing from the build (demo/sample-app)");
        }
        URI uri = marker.toURI();
        if (uri.getScheme().equals("jar")) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                copyTree(jar.getPath("/demo/sample-app"), target);
            }
        } else {
            copyTree(Path.of(uri).getParent(), target);
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
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
