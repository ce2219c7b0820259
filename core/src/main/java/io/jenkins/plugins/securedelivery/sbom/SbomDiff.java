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

/**
 * What changed between two SBOMs, package by package. Packages are compared by package URL without its qualifiers
 * (so {@code ?type=jar} or {@code ?arch=amd64} written by one tool and not the other does not count as a change).
 *
 * @param added   packages only in the second SBOM, as "name@version"
 * @param removed packages only in the first SBOM
 * @param changed packages in both whose versions differ
 */
public record SbomDiff(List<String> added, List<String> removed, List<Change> changed) {

    /** A package whose versions differ: {@code from} in the first SBOM, {@code to} in the second. */
    public record Change(String name, Set<String> from, Set<String> to) {}

    public static SbomDiff between(Bom first, Bom second) {
        Map<String, Set<String>> a = versionsByName(first);
        Map<String, Set<String>> b = versionsByName(second);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        Set<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String name : names) {
            Set<String> from = a.get(name);
            Set<String> to = b.get(name);
            if (from == null) {
                to.forEach(v -> added.add(name + "@" + v));
            } else if (to == null) {
                from.forEach(v -> removed.add(name + "@" + v));
            } else if (!from.equals(to)) {
                changed.add(new Change(name, from, to));
            }
        }
        return new SbomDiff(List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
    }

    /** Packages of the first SBOM, at their version, that the second lacks: removed ones and changed versions. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>(removed);
        for (Change change : changed) {
            change.from().stream().filter(v -> !change.to().contains(v)).forEach(v -> missing.add(change.name() + "@" + v));
        }
        return List.copyOf(missing);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    private static Map<String, Set<String>> versionsByName(Bom bom) {
        Map<String, Set<String>> versions = new TreeMap<>();
        if (bom.getComponents() != null) {
            collect(bom.getComponents(), versions);
        }
        return versions;
    }

    private static void collect(List<Component> components, Map<String, Set<String>> versions) {
        for (Component component : components) {
            String name = nameOf(component);
            versions.computeIfAbsent(name, k -> new TreeSet<>()).add(component.getVersion() == null ? "" : component.getVersion());
            if (component.getComponents() != null) {
                collect(component.getComponents(), versions);
            }
        }
    }

    private static String nameOf(Component component) {
        if (component.getPurl() != null) {
            try {
                PackageURL purl = new PackageURL(component.getPurl());
                return new PackageURL(purl.getType(), purl.getNamespace(), purl.getName(), null, null, purl.getSubpath()).canonicalize();
            } catch (MalformedPackageURLException e) {
                // A foreign SBOM's bad purl: compare it by group and name like a component without one.
            }
        }
        return (component.getGroup() != null ? component.getGroup() + "/" : "") + component.getName();
    }
}
