package io.jenkins.plugins.securedelivery.gates;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The genuine tool outputs of src/test/resources/gates (see the README there), copied into a report directory. */
final class GateFixtures {

    private GateFixtures() {}

    static Path reports(Path directory, String... fixtures) throws IOException {
        Files.createDirectories(directory);
        for (String fixture : fixtures) {
            try (InputStream in = GateFixtures.class.getResourceAsStream("/gates/" + fixture)) {
                if (in == null) {
                    throw new IllegalArgumentException("no fixture " + fixture);
                }
                Path target = directory.resolve(fixture.replace('/', '-'));
                Files.copy(in, target);
            }
        }
        return directory;
    }

    static Reports scan(Path directory, String... fixtures) throws IOException {
        return Reports.scan(List.of(reports(directory, fixtures)));
    }

    static RuleVerdict rule(GateVerdict verdict, String name) {
        return verdict.rules().stream().filter(r -> r.rule().equals(name)).findFirst().orElseThrow();
    }
}
