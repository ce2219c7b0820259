package io.jenkins.plugins.securedelivery.gates;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The gate's judgement: every rule with its value, threshold, explanation and findings; the files read and ignored;
 * the waivers that have expired. It prints as text for a log, as JSON for machines and the Jenkins run page, and as
 * JUnit XML (one test case per rule) so Jenkins shows the gate among the tests.
 *
 * @param environment          the environment judged, or null
 * @param policy               where the policy came from
 * @param overrides            which environment overrides applied, in words
 * @param expiredWaivers       the policy's waivers whose expiry date has passed
 * @param expiredWaiversMatching the expired waivers that would have covered a finding, which now counts
 */
public record GateVerdict(String environment, String policy, String overrides, LocalDate today, List<RuleVerdict> rules,
                          List<Reports.ReadFile> read, List<Reports.IgnoredFile> ignored, int skippedByName,
                          List<Waiver> expiredWaivers, List<Waiver> expiredWaiversMatching) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LISTED_PER_RULE = 20;

    public GateVerdict {
        rules = List.copyOf(rules);
        read = List.copyOf(read);
        ignored = List.copyOf(ignored);
        expiredWaivers = List.copyOf(expiredWaivers);
        expiredWaiversMatching = List.copyOf(expiredWaiversMatching);
    }

    /** True when no rule failed. */
    public boolean passed() {
        return rules.stream().noneMatch(r -> r.status() == RuleVerdict.Status.FAIL);
    }

    /** Several lines: the outcome, each rule and what broke it, waivers, and the files read and ignored. */
    public String toText() {
        String nl = System.lineSeparator();
        StringBuilder text = new StringBuilder();
        text.append("Quality gate ").append(passed() ? "PASSED" : "FAILED")
                .append(environment != null ? " for " + environment : "")
                .append(" (policy ").append(policy).append(", ").append(overrides).append(", ").append(today).append(")").append(nl);
        for (RuleVerdict rule : rules) {
            text.append(String.format("  %-11s %s: %s (threshold: %s) - %s", rule.status(), rule.rule(), rule.value(), rule.threshold(), rule.explanation()))
                    .append(nl);
            int listed = 0;
            for (Finding finding : rule.findings()) {
                if (listed++ == LISTED_PER_RULE) {
                    text.append("      ... and ").append(rule.findings().size() - LISTED_PER_RULE).append(" more (all are in the JSON verdict)").append(nl);
                    break;
                }
                text.append("      ").append(describe(finding)).append(nl);
            }
            for (RuleVerdict.WaivedFinding waived : rule.waived()) {
                text.append("      waived: ").append(describe(waived.finding())).append(" by ").append(waived.waiver().describe()).append(nl);
            }
        }
        for (Waiver waiver : expiredWaivers) {
            text.append("  Expired waiver, no longer counts").append(expiredWaiversMatching.contains(waiver) ? " (its finding counts again)" : "")
                    .append(": ").append(waiver.describe()).append(nl);
        }
        for (Reports.ReadFile file : read) {
            text.append("  Read ").append(file.path()).append(" as ").append(file.readAs()).append(nl);
        }
        for (Reports.IgnoredFile file : ignored) {
            text.append("  Ignored ").append(file.path()).append(": ").append(file.reason()).append(nl);
        }
        if (skippedByName > 0) {
            text.append("  Not opened: ").append(skippedByName).append(" files whose names do not end in .xml, .json or .sarif").append(nl);
        }
        return text.toString();
    }

    /** The verdict as a JSON object, with every finding. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("passed", passed());
        root.put("environment", environment);
        root.put("policy", policy);
        root.put("overrides", overrides);
        root.put("date", today.toString());
        ArrayNode ruleList = root.putArray("rules");
        for (RuleVerdict rule : rules) {
            ObjectNode node = ruleList.addObject();
            node.put("rule", rule.rule());
            node.put("status", rule.status().name());
            node.put("value", rule.value());
            node.put("threshold", rule.threshold());
            node.put("explanation", rule.explanation());
            rule.findings().forEach(f -> finding(node.withArray("findings").addObject(), f));
            node.withArray("findings");
            for (RuleVerdict.WaivedFinding waived : rule.waived()) {
                ObjectNode w = node.withArray("waived").addObject();
                finding(w.putObject("finding"), waived.finding());
                waiver(w.putObject("waiver"), waived.waiver());
            }
            rule.reports().forEach(node.withArray("reports")::add);
        }
        expiredWaivers.forEach(w -> waiver(root.withArray("expiredWaivers").addObject(), w).put("matchedAFinding", expiredWaiversMatching.contains(w)));
        read.forEach(f -> root.withArray("read").addObject().put("path", f.path()).put("readAs", f.readAs()));
        ignored.forEach(f -> root.withArray("ignored").addObject().put("path", f.path()).put("reason", f.reason()));
        root.put("notOpened", skippedByName);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JUnit XML: one test suite, one test case per rule; a failed rule is a failure whose message is the explanation. */
    public String toJUnitXml() {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", XmlReports.OWN_SUITE);
            xml.writeAttribute("tests", String.valueOf(rules.size()));
            xml.writeAttribute("failures", String.valueOf(rules.stream().filter(r -> r.status() == RuleVerdict.Status.FAIL).count()));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", String.valueOf(rules.stream().filter(r -> r.status() == RuleVerdict.Status.NOT_CHECKED).count()));
            xml.writeAttribute("timestamp", today.toString());
            String className = "secure-delivery.gate" + (environment != null ? "." + environment : "");
            for (RuleVerdict rule : rules) {
                xml.writeCharacters("\n  ");
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", className);
                xml.writeAttribute("name", rule.rule());
                xml.writeAttribute("time", "0");
                String detail = detail(rule);
                switch (rule.status()) {
                    case FAIL -> {
                        xml.writeStartElement("failure");
                        xml.writeAttribute("message", clean(rule.explanation()));
                        xml.writeAttribute("type", "gate." + rule.rule());
                        xml.writeCharacters(clean(detail));
                        xml.writeEndElement();
                    }
                    case NOT_CHECKED -> {
                        xml.writeEmptyElement("skipped");
                        xml.writeAttribute("message", clean(rule.explanation()));
                    }
                    default -> {
                        xml.writeStartElement("system-out");
                        xml.writeCharacters(clean(detail));
                        xml.writeEndElement();
                    }
                }
                xml.writeEndElement();
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the verdict could not be written as XML", e);
        }
        return out.toString();
    }

    private static String detail(RuleVerdict rule) {
        StringBuilder text = new StringBuilder(rule.status() + " " + rule.rule() + ": " + rule.value() + " (threshold: " + rule.threshold() + ")\n"
                + rule.explanation() + "\n");
        rule.findings().forEach(f -> text.append(describe(f)).append('\n'));
        rule.waived().forEach(w -> text.append("waived: ").append(describe(w.finding())).append(" by ").append(w.waiver().describe()).append('\n'));
        return text.toString();
    }

    private static String describe(Finding finding) {
        String severity = finding.severity().isEmpty() ? "" : "[" + finding.severity() + "] ";
        String id = finding.id().equals(finding.location()) ? "" : finding.id() + ": ";
        return "- " + severity + id + finding.title() + (finding.location().isEmpty() ? "" : " at " + finding.where()) + " (" + finding.report() + ")";
    }

    private static void finding(ObjectNode node, Finding f) {
        node.put("id", f.id()).put("severity", f.severity()).put("title", f.title()).put("location", f.location()).put("line", f.line())
                .put("fingerprint", f.fingerprint()).put("tool", f.tool()).put("report", f.report());
    }

    private static ObjectNode waiver(ObjectNode node, Waiver w) {
        return node.put("id", w.id()).put("path", w.path()).put("reason", w.reason()).put("owner", w.owner()).put("expires", w.expires().toString());
    }

    /** Characters XML 1.0 cannot carry (control characters from a test's output) become spaces. */
    private static String clean(String text) {
        return text.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]", " ");
    }
}
