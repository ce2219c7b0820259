package io.jenkins.plugins.securedelivery.sbom;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.license.Expression;
import org.cyclonedx.util.LicenseResolver;

/**
 * Turns declared licence strings into SPDX ids where the SPDX list (bundled with cyclonedx-core-java) knows them,
 * SPDX expressions where the string is one, and named licences otherwise.
 */
final class LicenseNames {

    // "MIT OR Apache-2.0", "(GPL-2.0-only WITH Classpath-exception-2.0)": SPDX expression syntax, kept as written.
    private static final Pattern EXPRESSION = Pattern.compile("(?i).*(\\s(OR|AND|WITH)\\s|^\\().*");
    // LicenseResolver scans the SPDX list and re-reads its name mapping on every miss: one look-up per distinct string.
    private final Map<String, LicenseChoice> resolved = new ConcurrentHashMap<>();

    LicenseChoice choose(Iterable<String> declared) {
        LicenseChoice choice = new LicenseChoice();
        for (String raw : declared) {
            String text = raw.strip();
            if (text.isEmpty() || text.equalsIgnoreCase("UNKNOWN") || text.equalsIgnoreCase("NOASSERTION")) {
                continue;
            }
            LicenseChoice one = resolved.computeIfAbsent(text, LicenseNames::resolve);
            if (one.getExpression() != null) {
                if (choice.getLicenses() == null || choice.getLicenses().isEmpty()) {
                    // CycloneDX allows either licences or one expression: the first expression wins, others join it.
                    choice.setExpression(choice.getExpression() == null ? one.getExpression()
                            : new Expression("(" + choice.getExpression().getValue() + ") AND (" + one.getExpression().getValue() + ")"));
                }
            } else if (choice.getExpression() == null) {
                for (License license : one.getLicenses()) {
                    boolean known = choice.getLicenses() != null && choice.getLicenses().stream().anyMatch(l ->
                            java.util.Objects.equals(l.getId(), license.getId()) && java.util.Objects.equals(l.getName(), license.getName()));
                    if (!known) {
                        choice.addLicense(license);
                    }
                }
            }
        }
        return choice.getExpression() == null && (choice.getLicenses() == null || choice.getLicenses().isEmpty()) ? null : choice;
    }

    private static LicenseChoice resolve(String text) {
        LicenseChoice spdx = LicenseResolver.resolve(text, false);
        if (spdx != null) {
            return spdx;
        }
        LicenseChoice choice = new LicenseChoice();
        if (EXPRESSION.matcher(text).matches()) {
            choice.setExpression(new Expression(text));
        } else {
            License named = new License();
            named.setName(text);
            choice.addLicense(named);
        }
        return choice;
    }
}
