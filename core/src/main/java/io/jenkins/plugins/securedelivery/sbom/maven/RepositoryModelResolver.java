package io.jenkins.plugins.securedelivery.sbom.maven;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.model.Dependency;
import org.apache.maven.model.Parent;
import org.apache.maven.model.Repository;
import org.apache.maven.model.building.FileModelSource;
import org.apache.maven.model.building.ModelSource;
import org.apache.maven.model.resolution.ModelResolver;
import org.apache.maven.model.resolution.UnresolvableModelException;
import org.apache.maven.repository.internal.ArtifactDescriptorUtils;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.VersionRangeRequest;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.resolution.VersionRangeResult;

/**
 * Finds the parents and imported BOMs of the scanned project in the reactor, the local repository and the project's
 * repositories (mirrors, proxies and credentials applied). Maven's own resolver of this kind is package-private in
 * maven-resolver-provider, hence this small one.
 */
// ModelResolver itself is declared with the deprecated ModelSource; there is nothing else to return.
@SuppressWarnings("deprecation")
final class RepositoryModelResolver implements ModelResolver {

    private final RepositorySystem system;
    private final RepositorySystemSession session;
    private final List<RemoteRepository> repositories;

    RepositoryModelResolver(RepositorySystem system, RepositorySystemSession session, List<RemoteRepository> repositories) {
        this.system = system;
        this.session = session;
        this.repositories = new ArrayList<>(repositories);
    }

    List<RemoteRepository> repositories() {
        return List.copyOf(repositories);
    }

    @Override
    public ModelSource resolveModel(String groupId, String artifactId, String version) throws UnresolvableModelException {
        Artifact pom = new DefaultArtifact(groupId, artifactId, "", "pom", version);
        try {
            pom = system.resolveArtifact(session, new ArtifactRequest(pom, repositories, null)).getArtifact();
        } catch (ArtifactResolutionException e) {
            throw new UnresolvableModelException(e.getMessage(), groupId, artifactId, version, e);
        }
        return new FileModelSource(pom.getFile());
    }

    @Override
    public ModelSource resolveModel(Parent parent) throws UnresolvableModelException {
        String version = highest(parent.getGroupId(), parent.getArtifactId(), parent.getVersion());
        parent.setVersion(version);
        return resolveModel(parent.getGroupId(), parent.getArtifactId(), version);
    }

    @Override
    public ModelSource resolveModel(Dependency dependency) throws UnresolvableModelException {
        String version = highest(dependency.getGroupId(), dependency.getArtifactId(), dependency.getVersion());
        dependency.setVersion(version);
        return resolveModel(dependency.getGroupId(), dependency.getArtifactId(), version);
    }

    /** The version itself, or the highest version a range matches. */
    private String highest(String groupId, String artifactId, String version) throws UnresolvableModelException {
        if (version == null || !(version.startsWith("[") || version.startsWith("("))) {
            return version;
        }
        try {
            VersionRangeResult range = system.resolveVersionRange(session, new VersionRangeRequest(
                    new DefaultArtifact(groupId, artifactId, "", "pom", version), repositories, null));
            if (range.getHighestVersion() == null) {
                throw new UnresolvableModelException("no version matches " + version, groupId, artifactId, version);
            }
            return range.getHighestVersion().toString();
        } catch (VersionRangeResolutionException e) {
            throw new UnresolvableModelException(e.getMessage(), groupId, artifactId, version, e);
        }
    }

    @Override
    public void addRepository(Repository repository) {
        addRepository(repository, false);
    }

    @Override
    public void addRepository(Repository repository, boolean replace) {
        if (session.isIgnoreArtifactDescriptorRepositories()) {
            return;
        }
        for (int i = 0; i < repositories.size(); i++) {
            if (repositories.get(i).getId().equals(repository.getId())) {
                if (!replace) {
                    return;
                }
                repositories.remove(i);
                break;
            }
        }
        repositories.addAll(system.newResolutionRepositories(session,
                List.of(ArtifactDescriptorUtils.toRemoteRepository(repository))));
    }

    @Override
    public ModelResolver newCopy() {
        return new RepositoryModelResolver(system, session, repositories);
    }
}
