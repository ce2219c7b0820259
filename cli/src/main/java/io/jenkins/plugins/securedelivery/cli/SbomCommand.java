package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.sbom.SbomDiff;
import io.jenkins.plugins.securedelivery.sbom.SbomFile;
import io.jenkins.plugins.securedelivery.sbom.SbomFormat;
import io.jenkins.plugins.securedelivery.sbom.SbomGenerator;
import io.jenkins.plugins.securedelivery.sbom.SbomMerge;
import io.jenkins.plugins.securedelivery.sbom.SbomSummary;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cyclonedx.model.Bom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code secure-delivery sbom}: CycloneDX 1.6 SBOMs of source trees and container images. */
@Command(name = "sbom", mixinStandardHelpOptions = true,
        description = "Generate, validate, merge and compare CycloneDX 1.6 SBOMs.",
        subcommands = {SbomCommand.Generate.class, SbomCommand.Validate.class, SbomCommand.Merge.class, SbomCommand.Diff.class})
final class SbomCommand {

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Write the CycloneDX 1.6 SBOM of a source tree or a container image.",
                    "PATH is a source directory (Maven, npm, yarn, pnpm, Go, Python, jars are detected), an OCI image layout "
                            + "directory, or an image archive (docker save, OCI tar).",
                    "Fails closed: a file that cannot be inventoried fully is an error naming it, unless --allow-incomplete."})
    static final class Generate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PATH", description = "Source directory, OCI layout directory or image archive.")
        Path path;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the SBOM here (written whole or not at all). Default: standard output.")
        Path output;

        @Option(names = "--format", paramLabel = "json|xml", defaultValue = "json", description = "Encoding. Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(names = "--reproducible", description = "Same input, same bytes: timestamp from SOURCE_DATE_EPOCH (else 1970-01-01), serial number from the content.")
        boolean reproducible;

        @Option(names = "--allow-incomplete", description = "Write the SBOM even when some files cannot be inventoried; its compositions say it is incomplete, and why.")
        boolean allowIncomplete;

        @Option(names = "--name", description = "The subject's name. Default: the directory's name, or the image's reference name.")
        String name;

        @Option(names = "--app-version", paramLabel = "VERSION", description = "The application's version (source trees).")
        String version;

        @Option(names = "--platform", paramLabel = "OS/ARCH", description = "For a multi-platform image: which one to scan, e.g. linux/arm64. Default: the only one, else linux/amd64.")
        String platform;

        @Option(names = "--maven-settings", paramLabel = "FILE", description = "Maven settings.xml (mirrors, proxies, credentials). Default: ~/.m2/settings.xml when it exists.")
        Path mavenSettings;

        @Option(names = "--maven-local-repository", paramLabel = "DIR", description = "Maven local repository. Default: the one settings.xml names, else ~/.m2/repository.")
        Path mavenLocalRepository;

        @Option(names = "--offline", description = "Resolve Maven dependencies from the local repository only.")
        boolean offline;

        @Override
        public Integer call() throws Exception {
            SbomFormat encoding = SbomFormat.of(format);
            Bom bom = new SbomGenerator(path)
                    .reproducible(reproducible)
                    .allowIncomplete(allowIncomplete)
                    .name(name)
                    .version(version)
                    .platform(platform)
                    .maven(new ScanContext.MavenSettings(mavenSettings, mavenLocalRepository, offline))
                    .call();
            PrintWriter err = spec.commandLine().getErr();
            SbomSummary summary = SbomSummary.of(bom);
            if (output == null) {
                System.out.write(SbomFile.encode(bom, encoding));
                System.out.flush();
            } else {
                SbomFile.write(bom, encoding, output);
                err.println(summary.line() + " -> " + output);
            }
            if (summary.incomplete()) {
                err.println("warning: the SBOM is INCOMPLETE (--allow-incomplete):");
                summary.gaps().forEach(g -> err.println("  " + g));
            }
            return 0;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check an SBOM (JSON or XML) against the CycloneDX schema of its own spec version. Exit 1 when invalid.")
    static final class Validate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
            List<String> problems = SbomFile.validate(file);
            if (problems.isEmpty()) {
                spec.commandLine().getOut().println(file + ": valid CycloneDX");
                return 0;
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println(file + ": INVALID, " + problems.size() + " problem(s):");
            problems.forEach(p -> err.println("  " + p));
            return SecureDelivery.FAILED_CHECK;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Merge module SBOMs (a monorepo's services) into one platform SBOM, deduplicated by package URL.")
    static final class Merge implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(arity = "2..*", paramLabel = "SBOM", description = "The SBOMs to merge.")
        List<Path> inputs;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE")
        Path output;

        @Option(names = "--name", defaultValue = "platform", description = "The platform's name. Default: ${DEFAULT-VALUE}.")
        String name;

        @Option(names = "--app-version", paramLabel = "VERSION", description = "The platform's version.")
        String version;

        @Option(names = "--format", paramLabel = "json|xml", defaultValue = "json")
        String format;

        @Option(names = "--reproducible", description = "Fixed timestamp and content-derived serial number.")
        boolean reproducible;

        @Override
        public Integer call() throws Exception {
            SbomFormat encoding = SbomFormat.of(format);
            Map<String, Bom> boms = new LinkedHashMap<>();
            for (Path input : inputs) {
                boms.put(input.toString(), SbomFile.read(input));
            }
            Bom merged = SbomMerge.merge(boms, name, version, reproducible);
            SbomFile.write(merged, encoding, output);
            spec.commandLine().getErr().println(SbomSummary.of(merged).line() + " -> " + output);
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = {"Compare two SBOMs: packages added, removed and changed (by package URL, qualifiers ignored).",
                    "With --fail-on-missing, exit 1 when the second (e.g. the image's) lacks packages of the first (the build's)."})
    static final class Diff implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "A", description = "The first SBOM (e.g. the build's).")
        Path first;

        @Parameters(index = "1", paramLabel = "B", description = "The second SBOM (e.g. the image's).")
        Path second;

        @Option(names = "--fail-on-missing", description = "Exit 1 when B lacks packages (at their version) that A has.")
        boolean failOnMissing;

        @Override
        public Integer call() throws Exception {
            SbomDiff diff = SbomDiff.between(SbomFile.read(first), SbomFile.read(second));
            PrintWriter out = spec.commandLine().getOut();
            diff.added().forEach(p -> out.println("+ " + p));
            diff.removed().forEach(p -> out.println("- " + p));
            diff.changed().forEach(c -> out.println("~ " + c.name() + " " + String.join(",", c.from()) + " -> " + String.join(",", c.to())));
            out.println(diff.added().size() + " added, " + diff.removed().size() + " removed, " + diff.changed().size() + " changed");
            List<String> missing = diff.missing();
            if (failOnMissing && !missing.isEmpty()) {
                spec.commandLine().getErr().println(second + " lacks " + missing.size() + " package(s) of " + first + ": " + String.join(", ", missing));
                return SecureDelivery.FAILED_CHECK;
            }
            return 0;
        }
    }
}
