package io.jenkins.plugins.securedelivery.sbom;

/** The version of secure-delivery, as the build stamped it into the jar's manifest. */
final class ToolVersion {

    private ToolVersion() {}

    static String current() {
        String version = ToolVersion.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }
}
