package io.jenkins.plugins.securedelivery.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Composition;
import org.cyclonedx.model.License;

/**
 * The figures a person reads first about an SBOM: what it describes, how many packages per ecosystem, which
 * licences, how many dependency edges, and whether it is complete.
 *
 * @param subject      the subject's name (and version)
 * @param byEcosystem  package count per package-URL type ("npm", "maven", "deb"...)
 * @param licenses     distinct licences (SPDX ids, expressions or names)
 * @param unlicensed   packages with no licence in their metadata
 * @param edges        dependency edges
 * @param gaps         what could not be inventoried (only with --allow-incomplete)
 */
public record SbomSummary(String subject, Map<String, Integer> byEcosystem, Set<String> licenses, int unlicensed,
                          int edges, boolean incomplete, List<String> gaps) {

    public static SbomSummary of(Bom bom) {
        Map<String, Integer> byEcosystem = new TreeMap<>();
        Set<String> licenses = new TreeSet<>();
        int unlicensed = 0;
        List<Component> components = bom.getComponents() == null ? List.of() : bom.getComponents();
        for (Component component : components) {
            byEcosystem.merge(ecosystem(component), 1, Integer::sum);
            var choice = component.getLicenses();
            if (choice == null) {
                unlicensed++;
            } else if (choice.getExpression() != null) {
                licenses.add(choice.getExpression().getValue());
            } else if (choice.getLicenses() != null) {
                for (License license : choice.getLicenses()) {
                    licenses.add(license.getId() != null ? license.getId() : license.getName());
                }
            }
        }
        int edges = bom.getDependencies() == null ? 0 : bom.getDependencies().stream()
                .mapToInt(d -> d.getDependencies() == null ? 0 : d.getDependencies().size()).sum();
        boolean incomplete = bom.getCompositions() != null && bom.getCompositions().stream()
                .anyMatch(c -> c.getAggregate() != Composition.Aggregate.COMPLETE);
        List<String> gaps = new ArrayList<>();
        if (bom.getMetadata() != null && bom.getMetadata().getProperties() != null) {
            bom.getMetadata().getProperties().stream().filter(p -> BomAssembly.INCOMPLETE.equals(p.getName()))
                    .forEach(p -> gaps.add(p.getValue()));
        }
        Component subject = bom.getMetadata() == null ? null : bom.getMetadata().getComponent();
        String name = subject == null ? "(no subject)" : subject.getName() + (subject.getVersion() != null ? " " + subject.getVersion() : "");
        return new SbomSummary(name, byEcosystem, licenses, unlicensed, edges, incomplete, List.copyOf(gaps));
    }

    public int components() {
        return byEcosystem.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One line for a log: "app: 42 components (npm 30, golang 12), 5 licences, 61 dependency edges". */
    public String line() {
        StringBuilder line = new StringBuilder(subject).append(": ").append(components()).append(" components");
        if (!byEcosystem.isEmpty()) {
            List<String> parts = new ArrayList<>();
            byEcosystem.forEach((k, v) -> parts.add(k + " " + v));
            line.append(" (").append(String.join(", ", parts)).append(")");
        }
        line.append(", ").append(licenses.size()).append(" licences, ").append(edges).append(" dependency edges");
        if (incomplete) {
            line.append(", INCOMPLETE");
        }
        return line.toString();
    }

    private static String ecosystem(Component component) {
        if (component.getPurl() != null) {
            try {
                return new PackageURL(component.getPurl()).getType();
            } catch (MalformedPackageURLException e) {
                // counted as "other" below
            }
        }
        return "other";
    }
}
