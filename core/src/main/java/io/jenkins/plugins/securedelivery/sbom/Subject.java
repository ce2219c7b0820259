package io.jenkins.plugins.securedelivery.sbom;

import org.cyclonedx.model.Component;

/**
 * What an SBOM describes: an application's source tree or a container image. It becomes the SBOM's
 * {@code metadata.component} and the root of its dependency graph.
 *
 * @param type    APPLICATION for a source tree, CONTAINER for an image
 * @param name    the application's or image's name
 * @param version the application's version, the image's manifest digest, or null when not known
 * @param purl    the package URL of the subject, or null
 */
public record Subject(Component.Type type, String name, String version, String purl) {

    /** The reference the dependency graph uses for the subject. */
    public String ref() {
        return purl != null ? purl : name + (version != null ? "@" + version : "");
    }
}
