package io.jenkins.plugins.securedelivery.canary;

import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {{name}}} placeholders. Hand-written because it is one regular expression, and PromQL's own braces
 * ({@code metric{ {{selector}} }}) must pass through untouched, which general template engines make awkward.
 */
final class Templates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private Templates() {}

    /** Thrown for a placeholder that {@code values} does not define. */
    static final class UnknownVariable extends RuntimeException {
        private final String variable;

        UnknownVariable(String variable, String known) {
            super("{{" + variable + "}} is not a known variable (known here: " + known + ")");
            this.variable = variable;
        }

        String variable() {
            return variable;
        }
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new UnknownVariable(m.group(1), values.isEmpty() ? "none" : String.join(", ", new TreeSet<>(values.keySet())));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static boolean mentions(String template, String variable) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (m.group(1).equals(variable)) {
                return true;
            }
        }
        return false;
    }
}
