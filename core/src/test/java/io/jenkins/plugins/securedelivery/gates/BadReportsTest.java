package io.jenkins.plugins.securedelivery.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken, hostile and oversized reports: each is a clear error naming the file, never a pass. */
class BadReportsTest {

    @TempDir Path dir;

    @Test
    void aTruncatedJUnitReportIsAnErrorNamingTheFileAndLine() throws Exception {
        GateFixtures.reports(dir, "surefire/TEST-example.PriceTest-failing.xml");
        Path report = dir.resolve("surefire-TEST-example.PriceTest-failing.xml");
        String whole = Files.readString(report);
        Files.writeString(report, whole.substring(0, whole.indexOf("<testcase name=\"addsTheTax\"")));

        assertThatThrownBy(() -> Reports.scan(List.of(dir)))
                .isInstanceOf(GateInputException.class)
                .hasMessageStartingWith(report + ":")
                .hasMessageContaining("not well-formed XML")
                .hasMessageContaining("Regenerate the report");
    }

    @Test
    void anXmlExternalEntityIsRefusedAndTheFileItNamesIsNeverRead() throws Exception {
        Path secret = Files.writeString(dir.resolve("outside.txt"), "TOP-SECRET-MARKER");
        Path reports = Files.createDirectories(dir.resolve("reports"));
        Files.writeString(reports.resolve("TEST-evil.xml"), """
                <?xml version="1.0"?>
                <!DOCTYPE testsuite [<!ENTITY leak SYSTEM "%s">]>
                <testsuite name="evil" tests="1"><testcase classname="a" name="b"><failure message="&leak;"/></testcase></testsuite>
                """.formatted(secret.toUri()));

        assertThatThrownBy(() -> Reports.scan(List.of(reports)))
                .isInstanceOf(GateInputException.class)
                .hasMessageContaining("TEST-evil.xml:2")
                .hasMessageContaining("declares a DTD with entities, which the gate refuses")
                .hasMessageNotContaining("TOP-SECRET-MARKER");
    }

    @Test
    void anEntityExpansionBombIsRefused() throws Exception {
        Files.writeString(dir.resolve("coverage.xml"), """
                <?xml version="1.0"?>
                <!DOCTYPE coverage [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
                <coverage lines-valid="&c;" lines-covered="1"/>
                """);

        assertThatThrownBy(() -> Reports.scan(List.of(dir))).isInstanceOf(GateInputException.class).hasMessageContaining("refuses");
    }

    @Test
    void theDtdThatJacocoAndCoberturaNameIsNotFetchedAndDoesNotStopTheReport() throws Exception {
        Reports reports = GateFixtures.scan(dir, "jacoco/jacoco-passing-build.xml", "cobertura/c8-cobertura-coverage.xml");

        assertThat(reports.read()).hasSize(2);
        assertThat(Files.readString(dir.resolve("cobertura-c8-cobertura-coverage.xml"))).contains("<!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net");
    }

    @Test
    void aDtdNamedByUrlIsNeverFetched() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] dtd = "<!ENTITY leak SYSTEM \"file:///etc/hostname\">".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        server.start();
        try {
            Files.writeString(dir.resolve("jacoco.xml"), """
                    <?xml version="1.0"?>
                    <!DOCTYPE report SYSTEM "http://127.0.0.1:%d/report.dtd">
                    <report name="x"><counter type="LINE" missed="1" covered="3"/></report>
                    """.formatted(server.getAddress().getPort()));

            Reports reports = Reports.scan(List.of(dir));

            assertThat(reports.contents.coverage).singleElement().satisfies(c -> assertThat(c.covered()).isEqualTo(3));
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void malformedJsonIsAnErrorNamingTheFileAndLine() throws Exception {
        Files.writeString(dir.resolve("trivy.json"), "{\n  \"SchemaVersion\": 2,\n  \"Results\": [\n    {\"Target\": \"x\",,}\n");

        assertThatThrownBy(() -> Reports.scan(List.of(dir)))
                .isInstanceOf(GateInputException.class)
                .hasMessageStartingWith(dir.resolve("trivy.json") + ":4: not valid JSON");
    }

    @Test
    void sarifOfAnotherVersionOrWithoutAListOfRunsIsAnError() throws Exception {
        Files.writeString(dir.resolve("old.sarif"), "{\"version\": \"1.0.0\", \"runs\": []}");

        assertThatThrownBy(() -> Reports.scan(List.of(dir))).isInstanceOf(GateInputException.class)
                .hasMessageContaining("old.sarif: is SARIF version \"1.0.0\"").hasMessageContaining("SARIF 2.1.0");

        Files.writeString(dir.resolve("old.sarif"), "{\"version\": \"2.1.0\", \"runs\": {}}");
        assertThatThrownBy(() -> Reports.scan(List.of(dir))).isInstanceOf(GateInputException.class).hasMessageContaining("old.sarif field runs: is not a list");
    }

    @Test
    void anEmptyReportIsAnErrorNotACleanScan() throws Exception {
        Files.writeString(dir.resolve("gitleaks.json"), "");

        assertThatThrownBy(() -> Reports.scan(List.of(dir))).isInstanceOf(GateInputException.class).hasMessageContaining("gitleaks.json: is empty");
    }

    @Test
    void aCoverageReportWithNonNumericCountsIsAnError() throws Exception {
        Files.writeString(dir.resolve("jacoco.xml"), "<report name=\"x\"><counter type=\"LINE\" missed=\"two\" covered=\"4\"/></report>");

        assertThatThrownBy(() -> Reports.scan(List.of(dir))).isInstanceOf(GateInputException.class)
                .hasMessageContaining("jacoco.xml:1: <counter> has missed=\"two\", which is not a whole number");
    }

    @Test
    void aReportBeyondTheSizeLimitIsRefusedByName() throws Exception {
        GateFixtures.reports(dir, "trivy/alpine-310.sarif");
        long size = Files.size(dir.resolve("trivy-alpine-310.sarif"));

        assertThatThrownBy(() -> Reports.scan(List.of(dir), 4096))
                .isInstanceOf(GateInputException.class)
                .hasMessageContaining("trivy-alpine-310.sarif: is " + size + " bytes, beyond the limit of 4096 bytes for one report")
                .hasMessageContaining("--max-report-size");
    }

    @Test
    void aLargeJUnitReportIsStreamedAndItsFailuresCounted() throws Exception {
        Path big = dir.resolve("TEST-big.xml");
        try (BufferedWriter out = Files.newBufferedWriter(big, StandardCharsets.UTF_8)) {
            out.write("<?xml version=\"1.0\"?><testsuite name=\"big\">\n");
            for (int i = 0; i < 200_000; i++) {
                out.write("<testcase classname=\"com.example.BigTest\" name=\"case" + i + "\" time=\"0.001\">"
                        + (i % 50_000 == 0 ? "<failure message=\"boom " + i + "\">at com.example.BigTest.case" + i + "(BigTest.java:" + (i + 1) + ")</failure>" : "")
                        + "<system-out>" + "x".repeat(60) + "</system-out></testcase>\n");
            }
            out.write("</testsuite>\n");
        }
        assertThat(Files.size(big)).isGreaterThan(20L * 1024 * 1024);

        Reports reports = Reports.scan(List.of(dir));
        GateVerdict verdict = QualityGate.evaluate(GatePolicy.defaults(), null, reports, LocalDate.of(2026, 11, 24));

        assertThat(reports.contents.testCount).isEqualTo(200_000);
        assertThat(GateFixtures.rule(verdict, "tests").findings()).extracting(Finding::where)
                .containsExactly("BigTest.java:1", "BigTest.java:50001", "BigTest.java:100001", "BigTest.java:150001");
    }

    @Test
    void aMissingReportsDirectoryIsNamed() {
        assertThatThrownBy(() -> Reports.scan(List.of(dir.resolve("nowhere")))).isInstanceOf(NoSuchFileException.class).hasMessageContaining("nowhere");
    }
}
