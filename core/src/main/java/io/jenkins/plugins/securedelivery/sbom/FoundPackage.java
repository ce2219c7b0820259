package io.jenkins.plugins.securedelivery.sbom;

import com.github.packageurl.PackageURL;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cyclonedx.model.Component;

/**
 * One package a scanner found, before it becomes a CycloneDX component.
 *
 * @param purl     the package URL, with its version; its canonical form is the component's identity (bom-ref)
 * @param type     what kind of component it is (library, operating-system package as {@code LIBRARY}, framework...)
 * @param scope    {@code REQUIRED} or {@code OPTIONAL} as the ecosystem's own SBOM tool says: npm dev/optional and
 *                 Python dev groups are OPTIONAL; Maven follows cyclonedx-maven-plugin (only {@code <optional>} is)
 * @param hashes   digests of the package's own file where there is one, keyed by CycloneDX algorithm name
 *                 ("SHA-256", "SHA-512"), lower-case hex
 * @param licenses licences as the metadata declares them: SPDX ids, expressions or free names
 * @param foundIn  the path, inside the scanned tree, of the file that declared the package
 */
public record FoundPackage(
        PackageURL purl,
        Component.Type type,
        Component.Scope scope,
        Map<String, String> hashes,
        List<String> licenses,
        String foundIn) {

    public FoundPackage {
        Objects.requireNonNull(purl, "purl");
        Objects.requireNonNull(purl.getVersion(), () -> "purl without a version: " + purl);
        type = type == null ? Component.Type.LIBRARY : type;
        scope = scope == null ? Component.Scope.REQUIRED : scope;
        hashes = Map.copyOf(hashes == null ? Map.of() : hashes);
        licenses = List.copyOf(licenses == null ? List.of() : licenses);
        Objects.requireNonNull(foundIn, "foundIn");
    }

    /** A library needed at run time, with no file and no licence known. */
    public static FoundPackage library(PackageURL purl, String foundIn) {
        return new FoundPackage(purl, Component.Type.LIBRARY, Component.Scope.REQUIRED, Map.of(), List.of(), foundIn);
    }

    /** The identity of the package in the SBOM: its canonical package URL. */
    public String ref() {
        return purl.canonicalize();
    }

    public FoundPackage withScope(Component.Scope newScope) {
        return new FoundPackage(purl, type, newScope, hashes, licenses, foundIn);
    }
}
