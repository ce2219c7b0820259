package io.jenkins.plugins.securedelivery.sbom.maven;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.impl.ArtifactDescriptorReader;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.ArtifactDescriptorRequest;
import org.eclipse.aether.resolution.ArtifactDescriptorResult;

/**
 * Keeps the licences of every effective pom the resolver builds while collecting the graph. Maven builds each
 * dependency's effective model (parents included) anyway and puts its licences in the descriptor's properties; keeping
 * them costs nothing, where building the models a second time would double the scan's time.
 */
final class LicenceRecorder implements ArtifactDescriptorReader {

    private static final Object KEY = LicenceRecorder.class.getName() + ".licences";

    private final ArtifactDescriptorReader delegate;

    LicenceRecorder(ArtifactDescriptorReader delegate) {
        this.delegate = delegate;
    }

    @Override
    public ArtifactDescriptorResult readArtifactDescriptor(RepositorySystemSession session,
            ArtifactDescriptorRequest request) throws ArtifactDescriptorException {
        ArtifactDescriptorResult result = delegate.readArtifactDescriptor(session, request);
        Map<String, Object> properties = result.getProperties();
        Object count = properties.get("license.count");
        if (count instanceof Integer n) {
            List<String> licences = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Object name = properties.get("license." + i + ".name");
                Object url = properties.get("license." + i + ".url");
                Object declared = name != null && !name.toString().isBlank() ? name : url;
                if (declared != null && !declared.toString().isBlank()) {
                    licences.add(declared.toString().trim());
                }
            }
            licences(session).put(key(request.getArtifact()), List.copyOf(licences));
        }
        return result;
    }

    /** The licences recorded in this session for an artifact; empty when its pom declares none. */
    static List<String> of(RepositorySystemSession session, Artifact artifact) {
        return licences(session).getOrDefault(key(artifact), List.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> licences(RepositorySystemSession session) {
        return (Map<String, List<String>>) session.getData().computeIfAbsent(KEY, ConcurrentHashMap::new);
    }

    private static String key(Artifact artifact) {
        return artifact.getGroupId() + ":" + artifact.getArtifactId() + ":" + artifact.getBaseVersion();
    }
}
