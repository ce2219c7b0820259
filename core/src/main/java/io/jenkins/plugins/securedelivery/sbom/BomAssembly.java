package io.jenkins.plugins.securedelivery.sbom;

import com.github.packageurl.PackageURL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.BomReference;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Composition;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.metadata.ToolInformation;

/** Fills the CycloneDX model from what the scanners found. Output order is sorted, so equal input gives equal bytes. */
final class BomAssembly {

    static final Version SPEC = Version.VERSION_16;
    static final String FOUND_IN = "secure-delivery:found-in";
    static final String INCOMPLETE = "secure-delivery:incomplete";
    private static final Set<String> OS_PACKAGE_TYPES = Set.of("deb", "apk", "rpm", "alpm");

    private final LicenseNames licenses = new LicenseNames();

    Bom assemble(Subject subject, List<Inventory> inventories, List<ScanContext.Gap> gaps, Instant timestamp, boolean reproducible) {
        Map<String, FoundPackage> packages = new TreeMap<>();
        Map<String, Set<String>> edges = new TreeMap<>();
        Set<String> direct = new TreeSet<>();
        for (Inventory inventory : inventories) {
            for (FoundPackage found : inventory.packages()) {
                // The same package found twice (a lock file and a jar, two modules) is one component; needed beats optional.
                packages.merge(found.ref(), found, BomAssembly::keepStronger);
            }
            direct.addAll(inventory.direct());
            inventory.dependencies().forEach((from, to) -> edges.computeIfAbsent(from, k -> new TreeSet<>()).addAll(to));
        }

        Bom bom = new Bom();
        Metadata metadata = new Metadata();
        metadata.setTimestamp(Date.from(timestamp));
        metadata.setToolChoice(tool());
        metadata.setComponent(subjectComponent(subject));
        for (ScanContext.Gap gap : gaps) {
            metadata.addProperty(property(INCOMPLETE, gap.file() + ": " + gap.reason()));
        }
        bom.setMetadata(metadata);

        List<Component> components = new ArrayList<>();
        packages.values().forEach(found -> components.add(component(found)));
        bom.setComponents(components);

        List<Dependency> dependencies = new ArrayList<>();
        dependencies.add(dependency(subject.ref(), direct, packages.keySet()));
        for (String ref : packages.keySet()) {
            dependencies.add(dependency(ref, edges.getOrDefault(ref, Set.of()), packages.keySet()));
        }
        bom.setDependencies(dependencies);

        Composition composition = new Composition();
        composition.setAggregate(gaps.isEmpty() ? Composition.Aggregate.COMPLETE : Composition.Aggregate.INCOMPLETE);
        composition.addAssembly(new BomReference(subject.ref()));
        bom.setCompositions(List.of(composition));

        bom.setSerialNumber(reproducible ? contentSerial(bom) : "urn:uuid:" + UUID.randomUUID());
        return bom;
    }

    private static FoundPackage keepStronger(FoundPackage a, FoundPackage b) {
        FoundPackage kept = a.scope() == Component.Scope.REQUIRED || b.scope() != Component.Scope.REQUIRED ? a : b;
        return kept.hashes().isEmpty() && !(kept == a ? b : a).hashes().isEmpty() ? withHashesOf(kept, kept == a ? b : a) : kept;
    }

    private static FoundPackage withHashesOf(FoundPackage kept, FoundPackage other) {
        return new FoundPackage(kept.purl(), kept.type(), kept.scope(), other.hashes(), kept.licenses().isEmpty() ? other.licenses() : kept.licenses(), kept.foundIn());
    }

    private static Dependency dependency(String ref, Set<String> on, Set<String> known) {
        Dependency dependency = new Dependency(ref);
        // Edges to packages no scanner listed would dangle; the schema allows them, consumers choke on them.
        on.stream().filter(known::contains).sorted().forEach(to -> dependency.addDependency(new Dependency(to)));
        return dependency;
    }

    private Component component(FoundPackage found) {
        PackageURL purl = found.purl();
        Component component = new Component();
        component.setType(found.type());
        component.setBomRef(found.ref());
        if (purl.getNamespace() != null && !OS_PACKAGE_TYPES.contains(purl.getType())) {
            component.setGroup(purl.getNamespace());
        }
        component.setName(purl.getName());
        component.setVersion(purl.getVersion());
        component.setPurl(found.ref());
        component.setScope(found.scope());
        found.hashes().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(h -> component.addHash(new Hash(h.getKey(), h.getValue())));
        component.setLicenses(licenses.choose(found.licenses()));
        component.addProperty(property(FOUND_IN, found.foundIn()));
        return component;
    }

    private static Component subjectComponent(Subject subject) {
        Component component = new Component();
        component.setType(subject.type());
        component.setBomRef(subject.ref());
        component.setName(subject.name());
        component.setVersion(subject.version());
        component.setPurl(subject.purl());
        return component;
    }

    static ToolInformation tool() {
        Component tool = new Component();
        tool.setType(Component.Type.APPLICATION);
        tool.setGroup("io.jenkins.plugins.securedelivery");
        tool.setName("secure-delivery");
        tool.setVersion(ToolVersion.current());
        ToolInformation information = new ToolInformation();
        information.setComponents(List.of(tool));
        return information;
    }

    static Property property(String name, String value) {
        Property property = new Property();
        property.setName(name);
        property.setValue(value);
        return property;
    }

    /** Now; or, for a reproducible SBOM, {@code SOURCE_DATE_EPOCH} when set, else the epoch. */
    static Instant timestamp(boolean reproducible) {
        if (!reproducible) {
            return Instant.now();
        }
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch == null || epoch.isBlank()) {
            return Instant.EPOCH;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(epoch.strip()));
        } catch (NumberFormatException e) {
            throw new SbomInputException("SOURCE_DATE_EPOCH", 0, "'" + epoch + "' is not a number of seconds",
                    "set it to the commit time in seconds, e.g. $(git log -1 --format=%ct)");
        }
    }

    /** A serial number derived from the content, so the same input gives the same SBOM byte for byte. */
    static String contentSerial(Bom bom) {
        try {
            String json = BomGeneratorFactory.createJson(SPEC, bom).toJsonString();
            return "urn:uuid:" + UUID.nameUUIDFromBytes(json.getBytes(StandardCharsets.UTF_8));
        } catch (GeneratorException e) {
            throw new IllegalStateException("cannot serialise the SBOM", e);
        }
    }
}
