package io.jenkins.plugins.securedelivery.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path temp;
    Path file;
    AuditLog log;
    List<AuditEntry> appended = new ArrayList<>();

    @BeforeEach
    void fourEntries() throws Exception {
        file = temp.resolve("audit.jsonl");
        log = new AuditLog(file, Clock.fixed(Instant.parse("2026-11-24T09:00:00Z"), ZoneOffset.UTC));
        appended.add(log.append("jenkins", "promote", "prod", Map.of("image", "registry.example.com/app@sha256:" + "a".repeat(64))));
        appended.add(log.append("alice", "approve", "prod", Map.of("run", "https://jenkins.example.com/job/app/42/")));
        appended.add(log.append("bob", "approve", "prod", Map.of()));
        appended.add(log.append("jenkins", "rollback", "prod", Map.of("reason", "canary failed: error rate 4.1% > 1%")));
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void entriesAreJsonLinesEachChainedToTheLineBefore() throws Exception {
        List<String> lines = lines();

        AuditLog.Verification verification = log.verify();

        assertThat(verification.intact()).as(verification.summary()).isTrue();
        assertThat(verification.entries()).isEqualTo(4);
        assertThat(verification.head()).isEqualTo(appended.get(3).hash());
        assertThat(lines.get(0)).startsWith("{\"seq\":1,\"time\":\"2026-11-24T09:00:00Z\",\"actor\":\"jenkins\",\"action\":\"promote\",\"subject\":\"prod\",")
                .contains("\"prev\":\"" + AuditLog.GENESIS + "\"");
        assertThat(appended.get(1).prev()).isEqualTo(EvidenceBundle.sha256(lines.get(0).getBytes(StandardCharsets.UTF_8)));
        assertThat(appended).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(verification.summary()).isEqualTo("INTACT audit log " + file + ": 4 entries, head " + appended.get(3).hash());
    }

    @Test
    void aChangedLineIsNamed() throws Exception {
        List<String> lines = lines();
        lines.set(1, lines.get(1).replace("alice", "mallory"));
        write(lines);

        AuditLog.Verification verification = log.verify();

        assertThat(verification.intact()).isFalse();
        assertThat(verification.problems()).singleElement().hasToString("line 2 was changed: its content no longer matches its hash");
        assertThat(verification.entries()).isEqualTo(1);
    }

    @Test
    void aChangedLineWhoseHashWasRecomputedBreaksTheChainAtTheNextLine() throws Exception {
        List<String> lines = lines();
        AuditEntry original = AuditEntry.parse(lines.get(1).getBytes(StandardCharsets.UTF_8));
        AuditEntry forged = AuditEntry.sealed(2, original.time(), "mallory", "approve", "prod", original.details(), original.prev());
        lines.set(1, new String(forged.line(), StandardCharsets.UTF_8));
        write(lines);

        AuditLog.Verification verification = log.verify();

        assertThat(verification.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("does not follow line 2").contains("line 2 was changed or replaced");
        });
    }

    @Test
    void aDeletedLineIsNamed() throws Exception {
        List<String> lines = lines();
        lines.remove(1);
        write(lines);

        assertThat(log.verify().problems()).singleElement()
                .hasToString("line 2 has seq 3 where 2 was expected: lines before it were deleted, or lines were reordered");
    }

    @Test
    void anInsertedLineIsNamed() throws Exception {
        List<String> lines = lines();
        lines.add(2, lines.get(1));
        write(lines);

        assertThat(log.verify().problems()).singleElement()
                .hasToString("line 3 has seq 2 where 3 was expected: a line was inserted before it, or lines were reordered");
    }

    @Test
    void reorderedLinesAreNamed() throws Exception {
        List<String> lines = lines();
        Collections.swap(lines, 1, 2);
        write(lines);

        assertThat(log.verify().problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("has seq 3").contains("reordered");
        });
    }

    @Test
    void aLineReformattedByHandIsNamed() throws Exception {
        List<String> lines = lines();
        lines.set(2, lines.get(2).replace("\"actor\":", "\"actor\": "));
        write(lines);

        assertThat(log.verify().problems()).singleElement().hasToString("line 3 is not written as the log writes entries: it was edited");
    }

    @Test
    void linesCutOffTheEndAreFoundOnlyWithTheHeadKnownBefore() throws Exception {
        String knownHead = log.verify().head();
        List<String> lines = lines();
        write(lines.subList(0, 3));

        AuditLog.Verification withoutHead = log.verify();
        AuditLog.Verification withHead = log.verify(knownHead);

        assertThat(withoutHead.intact()).as("the chain alone cannot see a shorter log").isTrue();
        assertThat(withHead.intact()).isFalse();
        assertThat(withHead.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains(knownHead).contains("cut off");
        });
        assertThat(log.verify(appended.get(1).hash()).intact()).as("an older head is still in the log").isTrue();
    }

    @Test
    void anInterruptedAppendIsFoundAndNothingIsAppendedAfterIt() throws Exception {
        String half = lines().get(3).substring(0, 40);
        List<String> lines = lines();
        Files.writeString(file, String.join("\n", lines.subList(0, 3)) + "\n" + half, StandardCharsets.UTF_8);
        byte[] before = Files.readAllBytes(file);

        AuditLog.Verification verification = log.verify();

        assertThat(verification.problems()).singleElement().hasToString(
                "line 4 is incomplete (no line end): an append was interrupted, or the end was cut off");
        assertThatThrownBy(() -> log.append("jenkins", "promote", "prod", Map.of()))
                .isInstanceOf(AuditLogException.class).hasMessageContaining(file.toString()).hasMessageContaining("nothing was appended");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void anAppendAfterAChangedLastLineIsRefused() throws Exception {
        List<String> lines = lines();
        lines.set(3, lines.get(3).replace("4.1%", "0.1%"));
        write(lines);

        assertThatThrownBy(() -> log.append("jenkins", "promote", "prod", Map.of()))
                .isInstanceOf(AuditLogException.class).hasMessageContaining("last line was changed");
    }

    @Test
    void detailsThatNameASecretAndBlankFieldsAreRefusedWithoutEchoingTheValue() throws Exception {
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> log.append("jenkins", "notify", "slack", Map.of("webhookToken", "xoxb-123-secret-value")))
                .isInstanceOf(AuditLogException.class).hasMessageContaining("webhookToken").hasMessageNotContaining("xoxb-123-secret-value");
        assertThatThrownBy(() -> log.append("jenkins", "sign", "app", Map.of("key", "-----BEGIN EC PRIVATE KEY-----\nMHc...")))
                .isInstanceOf(AuditLogException.class).hasMessageNotContaining("MHc");
        assertThatThrownBy(() -> log.append(" ", "promote", "prod", Map.of()))
                .isInstanceOf(AuditLogException.class).hasMessageContaining("actor");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void appendsFromManyThreadsAndProcessesAtOnceAllLandOnceInOneChain() throws Exception {
        Path shared = temp.resolve("shared.jsonl");
        List<Process> processes = new ArrayList<>();
        for (String actor : List.of("process-a", "process-b")) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), AuditAppender.class.getName(), shared.toString(), actor, "40")
                    .redirectErrorStream(true).redirectOutput(temp.resolve(actor + ".log").toFile()).start());
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String actor = "thread-" + t;
            done.add(threads.submit(() -> {
                AuditLog own = new AuditLog(shared);
                for (int i = 0; i < 30; i++) {
                    own.append(actor, "append", "entry " + i, Map.of());
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        for (Process process : processes) {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(temp.resolve("process-a.log"))).isZero();
        }

        AuditLog.Verification verification = new AuditLog(shared).verify();

        assertThat(verification.intact()).as(verification.summary()).isTrue();
        assertThat(verification.entries()).isEqualTo(4 * 30 + 2 * 40);
        List<String> lines = Files.readAllLines(shared);
        assertThat(lines.stream().filter(l -> l.contains("\"actor\":\"process-a\""))).hasSize(40);
        assertThat(lines.stream().filter(l -> l.contains("\"actor\":\"thread-3\""))).hasSize(30);
    }
}
