package io.jenkins.plugins.securedelivery.sbom.os;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Paragraphs of Debian control data (deb-control(5), as in {@code var/lib/dpkg/status} and DEP-5 copyright files).
 * Hand-written: no maintained Java library reads deb822, and the format is fields, continuation lines and blank lines.
 */
final class Deb822 {

    /** One paragraph: fields by name (case as written), each value with continuation lines joined by '\n'. */
    record Paragraph(int line, Map<String, String> fields) {
        String get(String name) {
            for (Map.Entry<String, String> field : fields.entrySet()) {
                if (field.getKey().equalsIgnoreCase(name)) {
                    return field.getValue();
                }
            }
            return null;
        }

        /** The first line of a field (a License field's short name, before its text). */
        String firstLine(String name) {
            String value = get(name);
            return value == null ? null : value.lines().findFirst().orElse("").trim();
        }
    }

    /** A line that is neither a field, a continuation nor blank. */
    record Malformed(int line, String text) {}

    record Parsed(List<Paragraph> paragraphs, List<Malformed> malformed) {}

    private Deb822() {}

    static Parsed parse(String text) {
        List<Paragraph> paragraphs = new ArrayList<>();
        List<Malformed> malformed = new ArrayList<>();
        Map<String, StringBuilder> fields = new LinkedHashMap<>();
        String last = null;
        int start = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                if (!fields.isEmpty()) {
                    paragraphs.add(paragraph(start, fields));
                }
                fields = new LinkedHashMap<>();
                last = null;
            } else if (line.startsWith("#")) {
                continue;
            } else if (line.startsWith(" ") || line.startsWith("\t")) {
                if (last == null) {
                    malformed.add(new Malformed(i + 1, line));
                } else {
                    fields.get(last).append('\n').append(line.trim());
                }
            } else {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    malformed.add(new Malformed(i + 1, line));
                    continue;
                }
                if (fields.isEmpty()) {
                    start = i + 1;
                }
                last = line.substring(0, colon).trim();
                fields.put(last, new StringBuilder(line.substring(colon + 1).trim()));
            }
        }
        if (!fields.isEmpty()) {
            paragraphs.add(paragraph(start, fields));
        }
        return new Parsed(paragraphs, malformed);
    }

    private static Paragraph paragraph(int line, Map<String, StringBuilder> fields) {
        Map<String, String> values = new LinkedHashMap<>();
        fields.forEach((name, value) -> values.put(name, value.toString()));
        return new Paragraph(line, values);
    }
}
