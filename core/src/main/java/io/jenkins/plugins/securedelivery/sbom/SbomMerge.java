package io.jenkins.plugins.securedelivery.sbom;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.BomReference;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Composition;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;

/**
 * Merges the SBOMs of several modules (a monorepo's services) into one platform SBOM. Components are deduplicated
 * by package URL; each module becomes a component the platform depends on, so every module's graph is kept.
 */
public final class SbomMerge {

    private SbomMerge() {}

    /**
     * @param inputs       the SBOMs to merge, with the file each came from (for messages)
     * @param name         the platform's name
     * @param version      the platform's version, or null
     * @param reproducible fixed timestamp and content-derived serial number
     */
    public static Bom merge(Map<String, Bom> inputs, String name, String version, boolean reproducible) {
        Subject platform = new Subject(Component.Type.APPLICATION, name, version, null);
        Map<String, Component> components = new TreeMap<>();
        Map<String, Set<String>> edges = new TreeMap<>();
        Set<String> modules = new TreeSet<>();
        List<Property> incomplete = new ArrayList<>();
        boolean complete = true;

        for (Map.Entry<String, Bom> input : inputs.entrySet()) {
            Bom bom = input.getValue();
            Map<String, String> keyOfRef = new LinkedHashMap<>();
            Component module = bom.getMetadata() != null ? bom.getMetadata().getComponent() : null;
            if (module == null) {
                throw new SbomInputException(input.getKey(), 0, "has no metadata.component naming what it describes",
                        "merge SBOMs of applications or images, which name their subject");
            }
            List<Component> all = new ArrayList<>();
            all.add(module);
            if (bom.getComponents() != null) {
                all.addAll(bom.getComponents());
            }
            for (Component component : all) {
                String key = key(component);
                if (component.getBomRef() != null) {
                    keyOfRef.put(component.getBomRef(), key);
                }
                component.setBomRef(key);
                components.merge(key, component, SbomMerge::keepRequired);
            }
            modules.add(key(module));
            if (bom.getDependencies() != null) {
                for (Dependency dependency : bom.getDependencies()) {
                    String from = keyOfRef.getOrDefault(dependency.getRef(), dependency.getRef());
                    Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
                    if (dependency.getDependencies() != null) {
                        dependency.getDependencies().forEach(d -> to.add(keyOfRef.getOrDefault(d.getRef(), d.getRef())));
                    }
                }
            }
            if (bom.getCompositions() != null && bom.getCompositions().stream().anyMatch(c -> c.getAggregate() != Composition.Aggregate.COMPLETE)) {
                complete = false;
            }
            if (bom.getMetadata().getProperties() != null) {
                bom.getMetadata().getProperties().stream().filter(p -> BomAssembly.INCOMPLETE.equals(p.getName())).forEach(incomplete::add);
            }
        }

        Bom merged = new Bom();
        Metadata metadata = new Metadata();
        metadata.setTimestamp(Date.from(BomAssembly.timestamp(reproducible)));
        metadata.setToolChoice(BomAssembly.tool());
        Component root = new Component();
        root.setType(platform.type());
        root.setName(name);
        root.setVersion(version);
        root.setBomRef(platform.ref());
        metadata.setComponent(root);
        incomplete.forEach(metadata::addProperty);
        merged.setMetadata(metadata);
        merged.setComponents(new ArrayList<>(components.values()));

        List<Dependency> dependencies = new ArrayList<>();
        Dependency top = new Dependency(platform.ref());
        modules.forEach(m -> top.addDependency(new Dependency(m)));
        dependencies.add(top);
        for (String ref : components.keySet()) {
            Dependency dependency = new Dependency(ref);
            edges.getOrDefault(ref, Set.of()).stream().filter(components::containsKey).forEach(to -> dependency.addDependency(new Dependency(to)));
            dependencies.add(dependency);
        }
        merged.setDependencies(dependencies);

        Composition composition = new Composition();
        composition.setAggregate(complete ? Composition.Aggregate.COMPLETE : Composition.Aggregate.INCOMPLETE);
        composition.addAssembly(new BomReference(platform.ref()));
        merged.setCompositions(List.of(composition));
        merged.setSerialNumber(reproducible ? BomAssembly.contentSerial(merged) : "urn:uuid:" + UUID.randomUUID());
        return merged;
    }

    /** A component's identity across SBOMs: its package URL, else its group, name and version. */
    static String key(Component component) {
        if (component.getPurl() != null && !component.getPurl().isBlank()) {
            return component.getPurl();
        }
        return (component.getGroup() != null ? component.getGroup() + "/" : "") + component.getName()
                + (component.getVersion() != null ? "@" + component.getVersion() : "");
    }

    private static Component keepRequired(Component a, Component b) {
        return b.getScope() == null || b.getScope() == Component.Scope.REQUIRED ? (a.getScope() == Component.Scope.OPTIONAL ? b : a) : a;
    }
}
