package io.jenkins.plugins.securedelivery.sbom.maven;

import com.github.packageurl.PackageURL;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.maven.model.InputLocation;
import org.apache.maven.model.Model;
import org.apache.maven.model.building.DefaultModelBuilderFactory;
import org.apache.maven.model.building.DefaultModelBuildingRequest;
import org.apache.maven.model.building.ModelBuilder;
import org.apache.maven.model.building.ModelBuildingException;
import org.apache.maven.model.building.ModelBuildingRequest;
import org.apache.maven.model.building.ModelProblem;
import org.apache.maven.model.io.ModelParseException;
import org.apache.maven.repository.internal.ArtifactDescriptorUtils;
import org.apache.maven.repository.internal.DefaultModelCacheFactory;
import org.apache.maven.repository.internal.ModelCacheFactory;
import org.cyclonedx.model.Component;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RequestTrace;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.ArtifactProperties;
import org.eclipse.aether.artifact.ArtifactType;
import org.eclipse.aether.artifact.ArtifactTypeRegistry;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.artifact.DefaultArtifactType;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.collection.CollectResult;
import org.eclipse.aether.collection.CollectStepData;
import org.eclipse.aether.collection.DependencyCollectionException;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.impl.ArtifactDescriptorReader;
import org.eclipse.aether.impl.ArtifactResolver;
import org.eclipse.aether.impl.RemoteRepositoryManager;
import org.eclipse.aether.impl.RepositoryEventDispatcher;
import org.eclipse.aether.impl.VersionRangeResolver;
import org.eclipse.aether.impl.VersionResolver;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;

/**
 * Inventories a Maven project from its {@code pom.xml}: the effective model (parents, properties, imported BOMs,
 * profiles active by default, JDK or OS), then the dependency graph Maven itself would resolve, in-process with Maven
 * Resolver, with the component set and package URLs of cyclonedx-maven-plugin's defaults. Artifacts are resolved so
 * that each component carries the SHA-256 of its file.
 *
 * <p>Every {@code pom.xml} of a source tree is scanned, except those under {@code target/} (build output) and under
 * {@code src/} (test fixtures and archetype resources, which are not projects of the tree). Modules of a reactor
 * resolve their siblings from the tree, as Maven's reactor does, and share one resolver session (kept while the tree
 * object is in use). Trees that are not on disk (container images) are left to the jar scanner: their pom.xml files
 * are not projects to build.
 */
public final class MavenScanner implements Scanner {

    private static final String POM = "pom.xml";
    private static final RemoteRepository CENTRAL = new RemoteRepository.Builder("central", "default",
            "https://repo.maven.apache.org/maven2")
            .setSnapshotPolicy(new RepositoryPolicy(false, null, null)).build();

    /** Maven's resolver names a pom it could not get as group:artifact:pom:version. */
    private static final Pattern POM_COORDINATES = Pattern.compile("([^\\s:()]+):([^\\s:()]+):pom:([^\\s:()]+)");

    private final ModelBuilder modelBuilder = new DefaultModelBuilderFactory().newInstance();
    private final ModelCacheFactory modelCaches = new DefaultModelCacheFactory();
    private volatile RepositorySystem system;

    @Override
    public boolean reads(FileTree tree, String path) {
        if (!(path.equals(POM) || path.endsWith("/" + POM)) || tree.onDisk(path).isEmpty()) {
            return false;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("target") || segment.equals("src")) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        Path pom = tree.onDisk(path).orElseThrow(() -> new SbomInputException(path, 0,
                "a pom.xml can only be scanned in a source tree on disk", "scan the source directory"));
        RepositorySystem repositorySystem = system();
        Workspace workspace = workspace(repositorySystem, tree, context.maven());
        DefaultRepositorySystemSession session = workspace.session();
        Reactor reactor = workspace.reactor();

        Optional<Model> built = effectiveModel(repositorySystem, workspace.setup(), pom, path, context);
        if (built.isEmpty()) {
            return new Inventory("maven", path, List.of(), Set.of(), Map.of());
        }
        Model model = built.get();
        ArtifactTypeRegistry types = session.getArtifactTypeRegistry();
        List<RemoteRepository> repositories = repositorySystem.newResolutionRepositories(session,
                model.getRepositories().stream().map(ArtifactDescriptorUtils::toRemoteRepository).toList());

        CollectRequest request = new CollectRequest();
        request.setRootArtifact(projectArtifact(model, types));
        request.setRepositories(repositories);
        model.getDependencies().forEach(d -> request.addDependency(dependency(d, types)));
        if (model.getDependencyManagement() != null) {
            model.getDependencyManagement().getDependencies().forEach(d -> request.addManagedDependency(dependency(d, types)));
        }
        CollectResult collected;
        Set<String> unresolved = new LinkedHashSet<>();
        try {
            collected = repositorySystem.collectDependencies(session, request);
        } catch (DependencyCollectionException e) {
            collected = e.getResult();
            for (Exception failure : collected.getExceptions()) {
                reportCollectionFailure(failure, model, pom, path, context).ifPresent(unresolved::add);
            }
        }
        ComponentGraph graph = new ComponentGraph(collected.getRoot());
        Map<String, Path> files = resolveFiles(repositorySystem, session, graph, reactor, unresolved, model, pom, path,
                context);
        Map<String, String> sha256 = sha256(files);

        List<FoundPackage> packages = new ArrayList<>();
        graph.components.forEach((ref, node) -> {
            String hash = sha256.get(ref);
            packages.add(new FoundPackage(graph.purls.get(ref), Component.Type.LIBRARY,
                    node.getDependency().isOptional() ? Component.Scope.OPTIONAL : Component.Scope.REQUIRED,
                    hash == null ? Map.of() : Map.of("SHA-256", hash),
                    LicenceRecorder.of(session, node.getArtifact()), path));
        });
        Map<String, Set<String>> edges = new LinkedHashMap<>();
        graph.edges.forEach((from, to) -> {
            if (!to.isEmpty()) {
                edges.put(from, to);
            }
        });
        Set<String> direct = new LinkedHashSet<>(graph.direct);
        addReactor(reactor, model, pom, path, packages, direct, edges);
        return new Inventory("maven", path, packages, direct, edges);
    }

    /**
     * The reactor as cyclonedx-maven-plugin's aggregate BOM shows it: each module is a component of its own, depending
     * on its dependencies, and a module's parent in the tree depends on it.
     */
    private static void addReactor(Reactor reactor, Model model, Path pom, String path, List<FoundPackage> packages,
            Set<String> direct, Map<String, Set<String>> edges) {
        String key = model.getGroupId() + ":" + model.getArtifactId() + ":" + model.getVersion();
        Set<String> children = reactor.childrenOf(key).stream()
                .map(p -> modulePurl(p.groupId(), p.artifactId(), p.version(), p.packaging()).canonicalize())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!reactor.isModule(pom)) {
            direct.addAll(children);
            return;
        }
        PackageURL self = modulePurl(model.getGroupId(), model.getArtifactId(), model.getVersion(), model.getPackaging());
        packages.add(0, FoundPackage.library(self, path));
        Set<String> selfEdges = new LinkedHashSet<>(direct);
        selfEdges.addAll(children);
        if (!selfEdges.isEmpty()) {
            edges.put(self.canonicalize(), selfEdges);
        }
        direct.clear();
        direct.add(self.canonicalize());
    }

    private static PackageURL modulePurl(String groupId, String artifactId, String version, String packaging) {
        TreeMap<String, String> qualifiers = new TreeMap<>();
        qualifiers.put("type", packaging == null ? "jar" : packaging);
        return ComponentGraph.purl(groupId, artifactId, version, qualifiers);
    }

    /**
     * The reactor of a tree and the resolver session its modules share, so that the second module of a tree reuses
     * the poms, BOMs and descriptors the first one read. Held only while the tree itself is in use.
     */
    private record Workspace(ScanContext.MavenSettings settings, ResolverSession.Setup setup, Reactor reactor) {
        DefaultRepositorySystemSession session() {
            return setup.session();
        }
    }

    private final Map<FileTree, Workspace> workspaces = Collections.synchronizedMap(new WeakHashMap<>());

    private Workspace workspace(RepositorySystem repositorySystem, FileTree tree, ScanContext.MavenSettings settings) {
        synchronized (workspaces) {
            Workspace known = workspaces.get(tree);
            if (known != null && Objects.equals(known.settings(), settings)) {
                return known;
            }
            ResolverSession.Setup setup = ResolverSession.open(repositorySystem, settings);
            Reactor reactor = new Reactor(tree.files().stream().filter(f -> reads(tree, f))
                    .map(f -> tree.onDisk(f).orElseThrow()).toList());
            setup.session().setWorkspaceReader(reactor);
            Workspace created = new Workspace(settings, setup, reactor);
            workspaces.put(tree, created);
            return created;
        }
    }

    private RepositorySystem system() {
        RepositorySystem current = system;
        if (current == null) {
            synchronized (this) {
                if (system == null) {
                    system = new RepositorySystemSupplier() {
                        @Override
                        protected ArtifactDescriptorReader getArtifactDescriptorReader(RemoteRepositoryManager remote,
                                VersionResolver versions, VersionRangeResolver ranges, ArtifactResolver artifacts,
                                ModelBuilder models, RepositoryEventDispatcher events, ModelCacheFactory caches) {
                            return new LicenceRecorder(super.getArtifactDescriptorReader(remote, versions, ranges,
                                    artifacts, models, events, caches));
                        }
                    }.get();
                }
                current = system;
            }
        }
        return current;
    }

    private Optional<Model> effectiveModel(RepositorySystem repositorySystem, ResolverSession.Setup setup,
            Path pom, String path, ScanContext context) {
        DefaultRepositorySystemSession session = setup.session();
        DefaultModelBuildingRequest request = new DefaultModelBuildingRequest();
        request.setProfiles(setup.profiles());
        request.setActiveProfileIds(setup.activeProfiles());
        request.setPomFile(pom.toFile());
        request.setValidationLevel(ModelBuildingRequest.VALIDATION_LEVEL_MINIMAL);
        request.setProcessPlugins(false);
        request.setTwoPhaseBuilding(false);
        request.setLocationTracking(true);
        Properties systemProperties = new Properties();
        systemProperties.putAll(session.getSystemProperties());
        request.setSystemProperties(systemProperties);
        request.setModelCache(modelCaches.createCache(session));
        request.setModelResolver(new RepositoryModelResolver(repositorySystem, session,
                repositorySystem.newResolutionRepositories(session, List.of(CENTRAL))));
        try {
            return Optional.of(modelBuilder.build(request).getEffectiveModel());
        } catch (ModelBuildingException e) {
            List<ModelProblem> errors = e.getProblems().stream()
                    .filter(p -> p.getSeverity() != ModelProblem.Severity.WARNING).toList();
            for (ModelProblem problem : errors) {
                if (problem.getException() instanceof ModelParseException parse) {
                    throw new SbomInputException(shown(problem.getSource(), pom, path), parse.getLineNumber(),
                            "the pom is not well-formed: " + parse.getMessage(), "fix the XML of this pom", e);
                }
            }
            List<ModelProblem> unresolved = errors.stream()
                    .filter(p -> p.getMessage().startsWith("Non-resolvable")).toList();
            if (unresolved.isEmpty()) {
                ModelProblem first = errors.isEmpty() ? e.getProblems().get(0) : errors.get(0);
                throw new SbomInputException(shown(first.getSource(), pom, path), Math.max(first.getLineNumber(), 0),
                        "the pom is not a valid Maven project: " + first.getMessage(),
                        "fix the pom (mvn help:effective-pom reports the same problem)", e);
            }
            for (ModelProblem problem : unresolved) {
                Matcher pomCoordinates = POM_COORDINATES.matcher(problem.getMessage());
                context.gap(shown(problem.getSource(), pom, path), Math.max(problem.getLineNumber(), 0),
                        "cannot resolve the " + (problem.getMessage().contains("import") ? "imported BOM" : "parent pom")
                                + (pomCoordinates.find() ? " " + pomCoordinates.group(1) + ":" + pomCoordinates.group(2)
                                + ":" + pomCoordinates.group(3) : "") + " (" + problem.getMessage() + ")",
                        "check the repositories of the pom, the mirrors, proxies and credentials of the Maven settings,"
                                + " and offline mode");
            }
            return Optional.empty();
        }
    }

    /** The path the user knows: the scanned pom by its path in the tree, a parent on disk or in a repository as is. */
    private static String shown(String source, Path pom, String path) {
        if (source == null || source.isEmpty()) {
            return path;
        }
        Path root = pom;
        for (int i = path.split("/").length; i > 0 && root != null; i--) {
            root = root.getParent();
        }
        try {
            Path file = Path.of(source);
            return root != null && file.isAbsolute() && file.normalize().startsWith(root)
                    ? root.relativize(file.normalize()).toString().replace('\\', '/') : source;
        } catch (java.nio.file.InvalidPathException e) {
            return source;
        }
    }

    private static Artifact projectArtifact(Model model, ArtifactTypeRegistry types) {
        ArtifactType type = types.get(model.getPackaging());
        return new DefaultArtifact(model.getGroupId(), model.getArtifactId(), null, null, model.getVersion(), null,
                type != null ? type : new DefaultArtifactType(model.getPackaging()));
    }

    /** A dependency of the model as Maven hands it to the resolver (maven-core's RepositoryUtils does the same). */
    private static Dependency dependency(org.apache.maven.model.Dependency declared, ArtifactTypeRegistry types) {
        ArtifactType type = types.get(declared.getType());
        if (type == null) {
            type = new DefaultArtifactType(declared.getType());
        }
        Map<String, String> properties = null;
        if (declared.getSystemPath() != null && !declared.getSystemPath().isEmpty()) {
            properties = Map.of(ArtifactProperties.LOCAL_PATH, declared.getSystemPath());
        }
        Artifact artifact = new DefaultArtifact(declared.getGroupId(), declared.getArtifactId(), declared.getClassifier(),
                null, declared.getVersion(), properties, type);
        List<Exclusion> exclusions = declared.getExclusions().stream()
                .map(e -> new Exclusion(e.getGroupId(), e.getArtifactId(), "*", "*")).toList();
        return new Dependency(artifact, declared.getScope(), declared.getOptional() != null ? declared.isOptional() : null,
                exclusions);
    }

    /** Reports a failure to collect; returns the coordinates of the artifact that failed, when known. */
    private static Optional<String> reportCollectionFailure(Exception failure, Model model, Path pom, String path,
            ScanContext context) {
        Artifact failed = failure instanceof ArtifactDescriptorException descriptor
                ? descriptor.getResult().getRequest().getArtifact() : null;
        String reason = rootMessage(failure);
        if (failed == null) {
            context.gap(path, 0, "cannot collect the dependencies (" + reason + ")", FIX);
            return Optional.empty();
        }
        Optional<Artifact> via = failure instanceof ArtifactDescriptorException descriptor
                ? directDependencyOf(descriptor.getResult().getRequest().getTrace()) : Optional.empty();
        Artifact declared = via.orElse(failed);
        int line = declaredLine(model, pom, declared);
        context.gap(path, line, "cannot resolve " + coordinates(failed)
                + (via.isPresent() && !coordinates(via.get()).equals(coordinates(failed))
                ? ", needed by " + coordinates(via.get()) : "") + " (" + reason + ")", FIX);
        return Optional.of(coordinates(failed));
    }

    private static final String FIX = "check that the version exists, the repositories of the pom, the mirrors, proxies"
            + " and credentials of the Maven settings, and offline mode";

    /** The project's direct dependency on whose path a failing artifact was met, from the resolver's trace. */
    private static Optional<Artifact> directDependencyOf(RequestTrace trace) {
        for (RequestTrace t = trace; t != null; t = t.getParent()) {
            if (t.getData() instanceof CollectStepData step) {
                List<DependencyNode> steps = step.getPath();
                if (steps.size() > 1 && steps.get(1).getArtifact() != null) {
                    return Optional.of(steps.get(1).getArtifact());
                }
                return Optional.ofNullable(step.getNode()).map(Dependency::getArtifact);
            }
        }
        return Optional.empty();
    }

    private static int declaredLine(Model model, Path pom, Artifact artifact) {
        for (org.apache.maven.model.Dependency d : model.getDependencies()) {
            if (d.getGroupId().equals(artifact.getGroupId()) && d.getArtifactId().equals(artifact.getArtifactId())) {
                InputLocation location = d.getLocation("");
                if (location != null && location.getSource() != null && location.getSource().getLocation() != null
                        && Path.of(location.getSource().getLocation()).equals(pom)) {
                    return location.getLineNumber();
                }
            }
        }
        return 0;
    }

    private static Map<String, Path> resolveFiles(RepositorySystem repositorySystem,
            DefaultRepositorySystemSession session, ComponentGraph graph, Reactor reactor, Set<String> unresolved,
            Model model, Path pom, String path, ScanContext context) {
        List<String> refs = new ArrayList<>();
        List<ArtifactRequest> requests = new ArrayList<>();
        graph.components.forEach((ref, node) -> {
            // A dependency whose pom could not be had is already reported; it stays listed, without a hash.
            if (reactor.project(node.getArtifact()).isEmpty() && !unresolved.contains(coordinates(node.getArtifact()))) {
                refs.add(ref);
                requests.add(new ArtifactRequest(node));
            }
        });
        List<ArtifactResult> results;
        try {
            results = repositorySystem.resolveArtifacts(session, requests);
        } catch (ArtifactResolutionException e) {
            results = e.getResults();
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (int i = 0; i < results.size(); i++) {
            ArtifactResult result = results.get(i);
            if (result.isResolved() && result.getArtifact().getFile() != null) {
                files.put(refs.get(i), result.getArtifact().getFile().toPath());
            } else {
                Artifact artifact = result.getRequest().getArtifact();
                String reason = result.getExceptions().isEmpty() ? "not found" : rootMessage(result.getExceptions().get(0));
                context.gap(path, declaredLine(model, pom, artifact), "cannot resolve " + coordinates(artifact)
                        + " (" + reason + ")", FIX);
            }
        }
        return files;
    }

    /** SHA-256 of each resolved file, on all cores: hashing dominates a scan with a warm local repository. */
    private static Map<String, String> sha256(Map<String, Path> files) throws IOException {
        Map<String, String> hashes = new ConcurrentHashMap<>();
        try {
            files.entrySet().parallelStream().forEach(entry -> {
                if (Files.isRegularFile(entry.getValue())) {
                    hashes.put(entry.getKey(), sha256(entry.getValue()));
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return hashes;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(new IOException(file + ": cannot be read to hash it (" + e.getMessage() + ")", e));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String coordinates(Artifact artifact) {
        return artifact.getGroupId() + ":" + artifact.getArtifactId() + ":" + artifact.getVersion();
    }

    /** The message, and the innermost cause's when it adds something (a status code, an unknown host...). */
    private static String rootMessage(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        String inner = innermost.getMessage();
        return inner == null || message.contains(inner) ? message : message + ": " + inner;
    }
}
