package io.jenkins.plugins.securedelivery.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.jenkins.plugins.securedelivery.sbom.image.ContainerImage;
import java.util.Objects;
import java.util.regex.Pattern;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;

/**
 * Generates a CycloneDX 1.6 SBOM of a source tree or a container image. Configure it with the fluent setters, then
 * {@link #call()} it:
 * <pre>{@code
 * Bom bom = new SbomGenerator(Path.of(".")).reproducible(true).call();
 * }</pre>
 * Fails closed: a file it cannot inventory fully throws {@link SbomInputException} naming it, unless
 * {@link #allowIncomplete(boolean)}, in which case the SBOM's compositions say it is incomplete and why.
 */
public final class SbomGenerator {

    // registry.example.com/team/app:1.0, ghcr.io/org/app@sha256:..., nginx:1.27 — a name with a tag or digest.
    private static final Pattern IMAGE_REFERENCE =
            Pattern.compile("^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\\w][\\w.-]{0,127}|@sha256:[0-9a-f]{64})$");

    private final Path path;
    private final List<Scanner> scanners;
    private boolean allowIncomplete;
    private boolean reproducible;
    private ScanContext.MavenSettings maven = ScanContext.MavenSettings.defaults();
    private String name;
    private String version;
    private String platform;

    public SbomGenerator(Path path) {
        this(path, Scanners.all());
    }

    SbomGenerator(Path path, List<Scanner> scanners) {
        this.path = Objects.requireNonNull(path, "path");
        this.scanners = scanners;
    }

    /** Writes an SBOM marked incomplete, listing what could not be inventoried, instead of failing. */
    public SbomGenerator allowIncomplete(boolean allow) {
        this.allowIncomplete = allow;
        return this;
    }

    /**
     * Same input, same bytes: the timestamp comes from {@code SOURCE_DATE_EPOCH} (else 1970-01-01T00:00:00Z) and the
     * serial number from the content.
     */
    public SbomGenerator reproducible(boolean reproducible) {
        this.reproducible = reproducible;
        return this;
    }

    /** Where Maven dependencies are resolved from (settings.xml, local repository, offline). */
    public SbomGenerator maven(ScanContext.MavenSettings settings) {
        this.maven = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /** The subject's name; by default the directory's name, or the image's reference name. */
    public SbomGenerator name(String subjectName) {
        this.name = subjectName;
        return this;
    }

    /** Which image of a multi-platform image to scan, as {@code os/arch[/variant]}; by default the only one, or linux/amd64. */
    public SbomGenerator platform(String osArch) {
        this.platform = osArch;
        return this;
    }

    /** The subject's version, for a source tree (an image's version is its digest). */
    public SbomGenerator version(String subjectVersion) {
        this.version = subjectVersion;
        return this;
    }

    public Bom call() throws IOException {
        if (!Files.exists(path) && IMAGE_REFERENCE.matcher(path.toString()).matches()) {
            throw new SbomInputException(path.toString(), 0, "looks like a registry reference, and registry access is not built yet",
                    "copy the image to an OCI layout first, e.g. `skopeo copy docker://" + path + " oci:image-dir`, and scan image-dir");
        }
        if (!Files.exists(path)) {
            throw new SbomInputException(path.toString(), 0, "no such file or directory",
                    "give a source directory, an OCI image layout directory or an image archive (docker save / OCI tar)");
        }
        if (ContainerImage.isImage(path)) {
            try (ContainerImage image = ContainerImage.open(path, ContainerImage.Limits.defaults(), platform, ContainerImage.heldFor(scanners))) {
                return generate(imageSubject(image), image.files());
            }
        }
        if (!Files.isDirectory(path)) {
            throw new SbomInputException(path.toString(), 0, "neither a source directory nor an image archive",
                    "give a source directory, an OCI image layout directory or an image archive (docker save / OCI tar)");
        }
        DirectoryTree tree = new DirectoryTree(path);
        Subject subject = sourceSubject(tree.root());
        return generate(subject, tree);
    }

    private Bom generate(Subject subject, FileTree tree) throws IOException {
        ScanContext context = new ScanContext(allowIncomplete, maven);
        List<Inventory> inventories = scan(tree, context);
        if (inventories.isEmpty()) {
            // An empty SBOM would say "nothing inside"; in truth nothing was recognised (a Gradle build, a static binary).
            context.gap(tree.describe(), 0, "nothing to inventory: no lock file, manifest, package database or jar was found",
                    "point at the application's source root or image; see docs/sbom.md for the files each ecosystem needs");
        }
        return new BomAssembly().assemble(subject, inventories, context.gaps(), BomAssembly.timestamp(reproducible), reproducible);
    }

    private List<Inventory> scan(FileTree tree, ScanContext context) throws IOException {
        List<Inventory> inventories = new ArrayList<>();
        try {
            for (String file : tree.files()) {
                for (Scanner scanner : scanners) {
                    if (scanner.reads(tree, file)) {
                        inventories.add(scanner.scan(tree, file, context));
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return inventories;
    }

    /** An image is named by its reference (or file) name, versioned by its digest, and has an OCI package URL. */
    private Subject imageSubject(ContainerImage image) {
        String fileName = path.getFileName() == null ? "image" : path.getFileName().toString().replaceFirst("(\\.tar)?(\\.gz)?$", "");
        String imageName = name != null ? name : image.name() != null ? image.name() : fileName;
        String repository = imageName.replaceFirst("@.*$", "").replaceFirst(":[^/:]*$", "");
        String purlName = repository.substring(repository.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
        String purl = null;
        try {
            purl = new PackageURL("oci", null, purlName.isEmpty() ? "image" : purlName, image.digest(), null, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            // An image name that is no valid purl name keeps the SBOM without a subject purl; the digest still names it.
        }
        return new Subject(Component.Type.CONTAINER, imageName, image.digest(), purl);
    }

    private Subject sourceSubject(Path root) {
        String subjectName = name != null ? name : root.getFileName() != null ? root.getFileName().toString() : "source";
        String purl = null;
        if (version != null) {
            try {
                purl = new PackageURL("generic", null, subjectName, version, null, null).canonicalize();
            } catch (MalformedPackageURLException e) {
                throw new SbomInputException("--name " + subjectName, 0, "not usable as a package name (" + e.getMessage() + ")",
                        "use letters, digits, '.', '-' and '_'");
            }
        }
        return new Subject(Component.Type.APPLICATION, subjectName, version, purl);
    }

}
