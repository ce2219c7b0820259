package io.jenkins.plugins.securedelivery.gates;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * JUnit, JaCoCo and Cobertura XML, read as a stream (StAX) so a large report costs little memory. DTDs are never
 * loaded (JaCoCo and Cobertura name one; it is not needed) and a document that declares entities is refused.
 */
final class XmlReports {

    /** The root element of the verdict's own JUnit output: read back, it is not a test report of the build. */
    static final String OWN_SUITE = "secure-delivery gate";

    private static final XMLInputFactory FACTORY = secureFactory();
    private static final Pattern SOURCE_LINE = Pattern.compile("([\\w.$/\\\\-]+\\.[A-Za-z]{1,6}):(\\d+)");

    private XmlReports() {}

    private static XMLInputFactory secureFactory() {
        // The JDK's own parser, whose DTD and entity settings are known, not whichever StAX library the classpath brings
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }

    /** Reads one XML file into {@code into}; returns what it was read as, or null with {@code why} set when it is no report. */
    static String read(Path file, String shown, ReportContents into, StringBuilder why) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader xml = FACTORY.createXMLStreamReader(in);
            try {
                String root = root(xml, shown);
                switch (root) {
                    case "testsuites", "testsuite" -> {
                        if ("testsuite".equals(root) && OWN_SUITE.equals(xml.getAttributeValue(null, "name"))) {
                            why.append("a verdict written by this gate, not a test report");
                            return null;
                        }
                        junit(xml, shown, into);
                        return "JUnit XML";
                    }
                    case "report" -> {
                        into.coverage.add(jacoco(xml, shown));
                        return "JaCoCo XML coverage";
                    }
                    case "coverage" -> {
                        into.coverage.add(cobertura(xml, shown));
                        return "Cobertura XML coverage";
                    }
                    case "bom" -> {
                        why.append("a CycloneDX XML SBOM: the gate reads CycloneDX JSON (sbom generate --format json)");
                        return null;
                    }
                    default -> {
                        why.append("XML with root element <").append(root).append(">, not a report the gate reads");
                        return null;
                    }
                }
            } finally {
                xml.close();
            }
        } catch (XMLStreamException e) {
            int line = e.getLocation() != null ? e.getLocation().getLineNumber() : 0;
            throw new GateInputException(shown + (line > 0 ? ":" + line : ""), "not well-formed XML (" + message(e) + ")",
                    "regenerate the report, or move files that are not reports out of the reports directory");
        }
    }

    private static String root(XMLStreamReader xml, String shown) throws XMLStreamException {
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.DTD) {
                String dtd = xml.getText();
                if (dtd.contains("[") || dtd.contains("]") || dtd.contains("<!ENTITY")) {
                    throw new GateInputException(shown + ":" + xml.getLocation().getLineNumber(),
                            "declares a DTD with entities, which the gate refuses (XML external entities can read files and reach servers)",
                            "reports from JUnit, JaCoCo and Cobertura tools never need one: regenerate the report with the tool");
                }
            } else if (event == XMLStreamConstants.START_ELEMENT) {
                return xml.getLocalName();
            }
        }
        throw new GateInputException(shown, "has no root element", "regenerate the report");
    }

    private static void junit(XMLStreamReader xml, String shown, ReportContents into) throws XMLStreamException {
        into.junitReports.add(shown);
        String className = null;
        String name = null;
        String failureKind = null;
        String message = null;
        StringBuilder body = new StringBuilder();
        boolean inFailure = false;
        boolean skipped = false;
        int depthInCase = 0;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String element = xml.getLocalName();
                if (name == null && "testcase".equals(element)) {
                    className = xml.getAttributeValue(null, "classname");
                    name = attribute(xml, "name", "(unnamed)");
                    failureKind = null;
                    message = null;
                    body.setLength(0);
                    skipped = false;
                    depthInCase = 0;
                } else if (name != null) {
                    depthInCase++;
                    // surefire's flakyFailure/rerunFailure are other element names: a test that passed on a rerun passes
                    if (depthInCase == 1 && failureKind == null && ("failure".equals(element) || "error".equals(element))) {
                        failureKind = element;
                        message = xml.getAttributeValue(null, "message");
                        inFailure = true;
                    } else if (depthInCase == 1 && "skipped".equals(element)) {
                        skipped = true;
                    }
                }
            } else if ((event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) && inFailure) {
                if (body.length() < 20_000) {
                    body.append(xml.getText());
                }
            } else if (event == XMLStreamConstants.END_ELEMENT && name != null) {
                if (depthInCase == 0) {
                    into.testCount++;
                    if (failureKind != null) {
                        into.failedTests.add(failedTest(className, name, failureKind, message, body.toString(), shown));
                    } else if (skipped) {
                        into.skippedCount++;
                    }
                    name = null;
                } else {
                    if (depthInCase == 1) {
                        inFailure = false;
                    }
                    depthInCase--;
                }
            }
        }
    }

    private static Finding failedTest(String className, String name, String kind, String message, String body, String shown) {
        String test = className == null || className.isBlank() || className.trim().equals(name.trim()) ? name.trim() : className.trim() + "." + name.trim();
        String where = "";
        int line = 0;
        Matcher frame = className == null || className.isBlank() ? null
                : Pattern.compile(Pattern.quote(className.trim()) + "\\.[^(\\s]*\\(([^:)]+):(\\d+)\\)").matcher(body);
        if (frame != null && frame.find()) {
            where = frame.group(1);
            line = Integer.parseInt(frame.group(2));
        } else {
            Matcher any = SOURCE_LINE.matcher(body);
            while (any.find()) {
                if (!any.group(1).contains("node_modules")) {
                    where = any.group(1);
                    line = Integer.parseInt(any.group(2));
                    break;
                }
            }
        }
        String text = message == null || message.isBlank() ? firstLine(body) : firstLine(message);
        return new Finding(test, "", kind + ": " + shorten(text), where, line, "", "JUnit", shown);
    }

    private static CoverageReport jacoco(XMLStreamReader xml, String shown) throws XMLStreamException {
        Deque<String> path = new ArrayDeque<>();
        path.push("report");
        String packageName = "";
        String sourceFile = null;
        long[] total = null;
        long fileCovered = 0;
        long fileMissed = 0;
        List<Integer> uncovered = new ArrayList<>();
        List<CoverageReport.FileCoverage> files = new ArrayList<>();
        long sumCovered = 0;
        long sumMissed = 0;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String element = xml.getLocalName();
                String parent = path.peek();
                if ("package".equals(element)) {
                    packageName = attribute(xml, "name", "");
                } else if ("sourcefile".equals(element) && "package".equals(parent)) {
                    sourceFile = attribute(xml, "name", "");
                    fileCovered = 0;
                    fileMissed = 0;
                    uncovered = new ArrayList<>();
                } else if ("line".equals(element) && "sourcefile".equals(parent)) {
                    if (number(xml, "ci", shown) == 0 && number(xml, "mi", shown) > 0) {
                        uncovered.add((int) number(xml, "nr", shown));
                    }
                } else if ("counter".equals(element) && "LINE".equals(xml.getAttributeValue(null, "type"))) {
                    long covered = number(xml, "covered", shown);
                    long missed = number(xml, "missed", shown);
                    if ("report".equals(parent) && path.size() == 1) {
                        total = new long[] {covered, missed};
                    } else if ("sourcefile".equals(parent)) {
                        fileCovered = covered;
                        fileMissed = missed;
                    }
                }
                path.push(element);
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                String element = path.pop();
                if ("sourcefile".equals(element) && sourceFile != null && "package".equals(path.peek())) {
                    String file = packageName.isEmpty() ? sourceFile : packageName + "/" + sourceFile;
                    files.add(new CoverageReport.FileCoverage(file, fileCovered, fileMissed, uncovered));
                    sumCovered += fileCovered;
                    sumMissed += fileMissed;
                    sourceFile = null;
                }
            }
        }
        return total != null ? new CoverageReport(shown, "JaCoCo", total[0], total[1], files)
                : new CoverageReport(shown, "JaCoCo", sumCovered, sumMissed, files);
    }

    private static CoverageReport cobertura(XMLStreamReader xml, String shown) throws XMLStreamException {
        String validText = xml.getAttributeValue(null, "lines-valid");
        String coveredText = xml.getAttributeValue(null, "lines-covered");
        Deque<String> path = new ArrayDeque<>();
        path.push("coverage");
        Map<String, long[]> byFile = new LinkedHashMap<>();
        Map<String, List<Integer>> uncoveredByFile = new LinkedHashMap<>();
        String fileName = null;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String element = xml.getLocalName();
                if ("class".equals(element)) {
                    fileName = attribute(xml, "filename", attribute(xml, "name", "(unnamed)"));
                    byFile.computeIfAbsent(fileName, f -> new long[2]);
                    uncoveredByFile.computeIfAbsent(fileName, f -> new ArrayList<>());
                } else if ("line".equals(element) && fileName != null && "lines".equals(path.peek()) && isClassLines(path)) {
                    boolean hit = number(xml, "hits", shown) > 0;
                    long[] counts = byFile.get(fileName);
                    counts[hit ? 0 : 1]++;
                    if (!hit) {
                        uncoveredByFile.get(fileName).add((int) number(xml, "number", shown));
                    }
                }
                path.push(element);
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                if ("class".equals(path.pop())) {
                    fileName = null;
                }
            }
        }
        List<CoverageReport.FileCoverage> files = new ArrayList<>();
        long covered = 0;
        long missed = 0;
        for (Map.Entry<String, long[]> file : byFile.entrySet()) {
            long[] counts = file.getValue();
            files.add(new CoverageReport.FileCoverage(file.getKey(), counts[0], counts[1], uncoveredByFile.get(file.getKey())));
            covered += counts[0];
            missed += counts[1];
        }
        if (validText != null && coveredText != null) {
            try {
                long valid = Long.parseLong(validText.trim());
                long hit = Long.parseLong(coveredText.trim());
                if (hit < 0 || valid < hit) {
                    throw new NumberFormatException();
                }
                covered = hit;
                missed = valid - hit;
            } catch (NumberFormatException e) {
                throw new GateInputException(shown, "has lines-valid=\"" + validText + "\" and lines-covered=\"" + coveredText + "\", which are not line counts",
                        "regenerate the report with the coverage tool");
            }
        }
        return new CoverageReport(shown, "Cobertura", covered, missed, files);
    }

    private static boolean isClassLines(Deque<String> path) {
        var it = path.iterator();
        it.next();
        return it.hasNext() && "class".equals(it.next());
    }

    private static String attribute(XMLStreamReader xml, String name, String fallback) {
        String value = xml.getAttributeValue(null, name);
        return value == null ? fallback : value;
    }

    private static long number(XMLStreamReader xml, String name, String shown) {
        String value = xml.getAttributeValue(null, name);
        try {
            return Long.parseLong(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new GateInputException(shown + ":" + xml.getLocation().getLineNumber(),
                    "<" + xml.getLocalName() + "> has " + name + "=\"" + value + "\", which is not a whole number", "regenerate the report with the coverage tool");
        }
    }

    private static String message(XMLStreamException e) {
        String text = e.getMessage() == null ? "no details" : e.getMessage();
        int at = text.indexOf("Message: ");
        return firstLine(at >= 0 ? text.substring(at + "Message: ".length()) : text);
    }

    static String firstLine(String text) {
        String trimmed = text == null ? "" : text.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }

    static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
