package io.jenkins.plugins.securedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SbomCommandTest {

    static final Path SAMPLE_APP = Path.of("../demo/sample-app").toAbsolutePath().normalize();

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][] {{"--help"}, {"sbom", "--help"}, {"sbom", "generate", "--help"},
                {"sbom", "validate", "--help"}, {"sbom", "merge", "--help"}, {"sbom", "diff", "--help"}, {"demo", "--help"},
                {"sign", "--help"}, {"attest", "--help"}, {"provenance", "--help"}, {"verify", "--help"},
                {"gate", "--help"}, {"promote", "--help"}, {"rollback", "--help"}, {"history", "--help"}, {"dora", "--help"}}) {
            CommandLineRun run = CommandLineRun.of(command);
            assertThat(run.exitCode()).as(String.join(" ", command)).isZero();
            assertThat(run.out()).as(String.join(" ", command)).startsWith("Usage: secure-delivery");
        }
    }

    @Test
    void badUsageExitsWithTwo() {
        assertThat(CommandLineRun.of("sbom", "generate").exitCode()).isEqualTo(2);
        assertThat(CommandLineRun.of("sbom", "generate", ".", "--no-such-option").exitCode()).isEqualTo(2);
        assertThat(CommandLineRun.of("no-such-command").exitCode()).isEqualTo(2);
    }

    @Test
    void aMissingInputExitsWithTwoAndNamesIt(@TempDir Path dir) {
        CommandLineRun run = CommandLineRun.of("sbom", "generate", dir.resolve("nowhere").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("nowhere").contains("no such file or directory");
    }

    @Test
    void anUnknownFormatExitsWithTwo(@TempDir Path dir) {
        CommandLineRun run = CommandLineRun.of("sbom", "generate", SAMPLE_APP.toString(), "--format", "spdx", "-o", dir.resolve("x").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--format spdx").contains("Use json or xml");
    }

    @Test
    void generatesReproducibleValidSbomsOfTheSampleApp(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.json");
        Path second = dir.resolve("second.xml");

        CommandLineRun run = CommandLineRun.of("sbom", "generate", SAMPLE_APP.toString(), "-o", first.toString(), "--reproducible");
        CommandLineRun again = CommandLineRun.of("sbom", "generate", SAMPLE_APP.toString(), "-o", second.toString(), "--reproducible", "--format", "xml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(run.err()).contains("sample-app: ").contains(" -> " + first);
        assertThat(CommandLineRun.of("sbom", "validate", first.toString()).exitCode()).isZero();
        assertThat(CommandLineRun.of("sbom", "validate", second.toString()).exitCode()).isZero();
        Path third = dir.resolve("third.json");
        CommandLineRun.of("sbom", "generate", SAMPLE_APP.toString(), "-o", third.toString(), "--reproducible");
        assertThat(Files.readAllBytes(third)).isEqualTo(Files.readAllBytes(first));
    }

    @Test
    void validateExitsWithOneOnAnInvalidSbom(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"version\": \"one\"}");

        CommandLineRun run = CommandLineRun.of("sbom", "validate", bad.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("bad.json: INVALID").contains("/version: ");
    }

    @Test
    void mergeAndDiffWorkOnGeneratedSboms(@TempDir Path dir) throws Exception {
        Path app = dir.resolve("app.json");
        Path web = dir.resolve("web.json");
        Path platform = dir.resolve("platform.json");
        assertThat(CommandLineRun.of("sbom", "generate", SAMPLE_APP.toString(), "-o", app.toString()).exitCode()).isZero();
        assertThat(CommandLineRun.of("sbom", "generate", SAMPLE_APP.resolve("web").toString(), "-o", web.toString()).exitCode()).isZero();

        CommandLineRun merge = CommandLineRun.of("sbom", "merge", app.toString(), web.toString(), "-o", platform.toString(), "--name", "medical-platform");
        CommandLineRun diff = CommandLineRun.of("sbom", "diff", app.toString(), platform.toString());

        assertThat(merge.exitCode()).as(merge.err()).isZero();
        assertThat(CommandLineRun.of("sbom", "validate", platform.toString()).exitCode()).isZero();
        assertThat(diff.exitCode()).as(diff.err()).isZero();
        assertThat(diff.out()).contains("added, 0 removed, 0 changed");
    }

    @Test
    void diffFailsOnMissingPackagesOnlyWhenAsked(@TempDir Path dir) throws Exception {
        Path app = dir.resolve("app.json");
        Path web = dir.resolve("web.json");
        CommandLineRun.of("sbom", "generate", SAMPLE_APP.toString(), "-o", app.toString());
        CommandLineRun.of("sbom", "generate", SAMPLE_APP.resolve("web").toString(), "-o", web.toString());

        CommandLineRun lenient = CommandLineRun.of("sbom", "diff", app.toString(), web.toString());
        CommandLineRun strict = CommandLineRun.of("sbom", "diff", app.toString(), web.toString(), "--fail-on-missing");

        assertThat(lenient.exitCode()).isZero();
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.err()).contains("lacks").contains("pkg:golang/github.com/google/uuid@v1.6.0");
    }

    @Test
    void aFailedWriteLeavesNoPartialOutput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("missing-dir/bom.json");

        CommandLineRun run = CommandLineRun.of("sbom", "generate", SAMPLE_APP.toString(), "-o", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
