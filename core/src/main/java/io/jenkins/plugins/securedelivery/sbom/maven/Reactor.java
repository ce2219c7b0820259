package io.jenkins.plugins.securedelivery.sbom.maven;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.maven.model.Model;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.repository.WorkspaceReader;
import org.eclipse.aether.repository.WorkspaceRepository;

/**
 * The projects of the scanned tree, so that a module depending on a sibling (or inheriting from a parent that is not
 * at its relativePath) resolves it from the tree, as Maven's reactor does, and not from a repository.
 */
final class Reactor implements WorkspaceReader {

    /** A project of the tree: its coordinates from the raw pom (groupId and version inherited from the parent). */
    record Project(String groupId, String artifactId, String version, String packaging, Path pom,
                   Optional<String> parentKey) {
        String key() {
            return groupId + ":" + artifactId + ":" + version;
        }
    }

    private final WorkspaceRepository repository = new WorkspaceRepository("reactor");
    private final Map<String, Project> projects = new HashMap<>();
    private final Set<Path> modules = new HashSet<>();

    /** Indexes the given pom files; a pom that cannot be parsed is left out here and reported by its own scan. */
    Reactor(List<Path> poms) {
        MavenXpp3Reader reader = new MavenXpp3Reader();
        Map<Path, Model> models = new HashMap<>();
        for (Path pom : poms) {
            try (InputStream in = Files.newInputStream(pom)) {
                models.put(pom.normalize(), reader.read(in, false));
            } catch (IOException | XmlPullParserException e) {
                // reported when this pom itself is scanned
            }
        }
        models.forEach((pom, model) -> {
            Properties properties = properties(pom, models);
            String groupId = model.getGroupId() != null ? model.getGroupId()
                    : model.getParent() != null ? model.getParent().getGroupId() : null;
            String version = model.getVersion() != null ? model.getVersion()
                    : model.getParent() != null ? model.getParent().getVersion() : null;
            if (groupId == null || version == null || model.getArtifactId() == null) {
                return;
            }
            Optional<String> parent = Optional.ofNullable(model.getParent()).map(p -> p.getGroupId() + ":"
                    + p.getArtifactId() + ":" + interpolate(p.getVersion(), properties));
            Project project = new Project(groupId, model.getArtifactId(), interpolate(version, properties),
                    model.getPackaging(), pom, parent);
            projects.putIfAbsent(project.key(), project);
            for (String module : model.getModules()) {
                Path dir = pom.getParent().resolve(module).normalize();
                modules.add(Files.isDirectory(dir) ? dir.resolve("pom.xml") : dir);
            }
        });
    }

    /**
     * The properties a CI-friendly version (${revision}${changelist}) can use: the pom's own and those of its parents
     * found in the tree at their relativePath, nearest first.
     */
    private static Properties properties(Path pom, Map<Path, Model> models) {
        Properties properties = new Properties();
        Path current = pom;
        for (int depth = 0; current != null && models.containsKey(current) && depth < 32; depth++) {
            Model model = models.get(current);
            model.getProperties().forEach(properties::putIfAbsent);
            if (model.getParent() == null || model.getParent().getRelativePath().isEmpty()) {
                break;
            }
            Path parent = current.getParent().resolve(model.getParent().getRelativePath()).normalize();
            current = Files.isDirectory(parent) ? parent.resolve("pom.xml") : parent;
        }
        return properties;
    }

    private static String interpolate(String value, Properties properties) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        String result = value;
        for (String name : properties.stringPropertyNames()) {
            result = result.replace("${" + name + "}", properties.getProperty(name));
        }
        return result;
    }

    /** Whether some other pom of the tree lists this one in its {@code <modules>}. */
    boolean isModule(Path pom) {
        return modules.contains(pom.normalize());
    }

    Optional<Project> project(Artifact artifact) {
        return Optional.ofNullable(projects.get(artifact.getGroupId() + ":" + artifact.getArtifactId() + ":"
                + artifact.getBaseVersion()));
    }

    /** The projects whose {@code <parent>} is the project with the given key. */
    List<Project> childrenOf(String key) {
        return projects.values().stream().filter(p -> p.parentKey().filter(key::equals).isPresent())
                .sorted((a, b) -> a.key().compareTo(b.key())).toList();
    }

    @Override
    public WorkspaceRepository getRepository() {
        return repository;
    }

    @Override
    public File findArtifact(Artifact artifact) {
        Project project = project(artifact).orElse(null);
        if (project == null) {
            return null;
        }
        if ("pom".equals(artifact.getExtension())) {
            return project.pom().toFile();
        }
        // A module packaged before the scan: its built file, as Maven's reactor gives it.
        String name = artifact.getArtifactId() + "-" + artifact.getVersion()
                + (artifact.getClassifier().isEmpty() ? "" : "-" + artifact.getClassifier()) + "." + artifact.getExtension();
        Path built = project.pom().resolveSibling("target").resolve(name);
        return Files.isRegularFile(built) ? built.toFile() : null;
    }

    @Override
    public List<String> findVersions(Artifact artifact) {
        return project(artifact).map(p -> List.of(p.version())).orElse(List.of());
    }
}
