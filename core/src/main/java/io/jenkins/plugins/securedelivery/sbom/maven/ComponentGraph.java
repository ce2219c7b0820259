package io.jenkins.plugins.securedelivery.sbom.maven;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.ArtifactProperties;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.util.graph.transformer.ConflictResolver;

/**
 * The components and edges of a resolved (verbose) dependency graph, chosen exactly as cyclonedx-maven-plugin's
 * defaults choose them, so that both tools list the same package URLs: compile, provided, runtime and system scopes
 * by the scope a dependency was declared with (test excluded), a conflict loser replaced by its winner, and the
 * package URL {@code pkg:maven/group/artifact@baseVersion?classifier=..&type=..}.
 */
final class ComponentGraph {

    private static final Set<String> INCLUDED_SCOPES = Set.of("compile", "provided", "runtime", "system");

    /** Each component's package URL with the node that won its conflict, in the plugin's order. */
    final Map<String, DependencyNode> components = new LinkedHashMap<>();
    final Map<String, PackageURL> purls = new LinkedHashMap<>();
    /** Edges, keyed by the canonical package URL; the root project's edges are the direct dependencies. */
    final Map<String, Set<String>> edges = new LinkedHashMap<>();
    final Set<String> direct = new LinkedHashSet<>();

    ComponentGraph(DependencyNode root) {
        for (DependencyNode child : root.getChildren()) {
            visit(child, direct, classifierless(root.getArtifact()));
        }
    }

    private void visit(DependencyNode found, Set<String> parentEdges, String parentClassifierless) {
        DependencyNode node = found;
        if (node.getArtifact().getProperties().get(ArtifactProperties.TYPE) == null || !included(node)) {
            return;
        }
        if (node.getChildren().isEmpty() && node.getData().get(ConflictResolver.NODE_DATA_WINNER) instanceof DependencyNode winner) {
            node = winner;
        }
        PackageURL purl = purl(node.getArtifact(), true);
        String ref = purl.canonicalize();
        if (!edges.containsKey(ref)) {
            Set<String> children = new LinkedHashSet<>();
            edges.put(ref, children);
            components.put(ref, node);
            purls.put(ref, purl);
            String classifierless = classifierless(node.getArtifact());
            // The plugin does not descend from a classified artifact into its unclassified self (e.g. test-jar).
            if (!classifierless.equals(parentClassifierless)) {
                for (DependencyNode child : node.getChildren()) {
                    visit(child, children, classifierless);
                }
            }
        }
        parentEdges.add(ref);
    }

    private static boolean included(DependencyNode node) {
        Object original = node.getData().get(ConflictResolver.NODE_DATA_ORIGINAL_SCOPE);
        String scope = original != null ? original.toString() : node.getDependency().getScope();
        return INCLUDED_SCOPES.contains(scope);
    }

    private static String classifierless(Artifact artifact) {
        return artifact == null ? "" : purl(artifact, false).canonicalize();
    }

    static PackageURL purl(Artifact artifact, boolean withClassifier) {
        TreeMap<String, String> qualifiers = new TreeMap<>();
        String type = artifact.getProperties().get(ArtifactProperties.TYPE);
        if (type != null && !type.isEmpty()) {
            qualifiers.put("type", type);
        }
        if (withClassifier && !artifact.getClassifier().isEmpty()) {
            qualifiers.put("classifier", artifact.getClassifier());
        }
        return purl(artifact.getGroupId(), artifact.getArtifactId(), artifact.getBaseVersion(), qualifiers);
    }

    static PackageURL purl(String groupId, String artifactId, String version, TreeMap<String, String> qualifiers) {
        try {
            return new PackageURL(PackageURL.StandardTypes.MAVEN, groupId, artifactId, version,
                    qualifiers.isEmpty() ? null : qualifiers, null);
        } catch (MalformedPackageURLException e) {
            throw new IllegalArgumentException(groupId + ":" + artifactId + ":" + version + " makes no package URL", e);
        }
    }
}
