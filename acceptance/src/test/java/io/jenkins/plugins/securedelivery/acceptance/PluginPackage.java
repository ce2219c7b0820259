package io.jenkins.plugins.securedelivery.acceptance;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The plugin built as maven-hpi-plugin would build it, without the Jenkins Maven repository: its sources compiled
 * with the JDK compiler against the jars of a real war and real plugins (their annotation processors, SezPoz and
 * Stapler's, run from that class path), its resources copied, and an .hpi written whose Plugin-Dependencies name the
 * versions of the plugins given.
 */
record PluginPackage(Path hpi, Map<String, String> dependencies, String jenkinsVersion) {

    static final String SHORT_NAME = "secure-delivery";
    private static final String OUR_GROUP = "io.jenkins.plugins.securedelivery";
    /**
     * The API plugins whose libraries (fabric8, OkHttp and what they need) the suite can bundle instead, for a
     * controller assembled without them; the review controller has both.
     */
    static final List<String> SUBSTITUTABLE = List.of("kubernetes-client-api", "okhttp-api");

    /** A plugin of the plugins directory: its short name, version and file. */
    record InstalledPlugin(String shortName, String version, Path file) {
    }

    /** From the system properties the failsafe configuration in acceptance/pom.xml sets. */
    static PluginPackage build(Path war, Path plugins, Path sources, Path work, Path hpi) throws IOException {
        return build(war, plugins, sources, Path.of(System.getProperty("hpi.libraries", "target/hpi-lib")),
                Path.of(System.getProperty("hpi.libraries.kubernetes", "target/hpi-lib-kubernetes")),
                System.getProperty("plugin.version", "0.1.0-SNAPSHOT"), work, hpi);
    }

    /**
     * Compiles {@code sources}/java (with {@code sources}/resources) against {@code war}, every plugin in
     * {@code plugins} and the jars in {@code libraries}, and writes the .hpi to {@code hpi} with those jars bundled;
     * the jars in {@code substitutes} too when {@code plugins} lacks one of the {@link #SUBSTITUTABLE} API plugins.
     */
    static PluginPackage build(Path war, Path plugins, Path sources, Path libraries, Path substitutes, String version, Path work, Path hpi)
            throws IOException {
        Path java = sources.resolve("java");
        Path resources = sources.resolve("resources");
        if (!Files.isDirectory(java)) {
            throw new IllegalStateException("plugin.sources=" + sources + " has no java/ directory: point -Dplugin.sources at a plugin's src/main");
        }
        Path pom = sources.getParent().getParent().resolve("pom.xml");
        Map<String, InstalledPlugin> installed = installed(plugins);
        Map<String, String> dependencies = dependencies(pom, installed);
        List<Path> bundled = new ArrayList<>(jars(libraries));
        List<String> lacking = SUBSTITUTABLE.stream().filter(name -> !installed.containsKey(name)).toList();
        if (!lacking.isEmpty()) {
            SUBSTITUTABLE.forEach(dependencies::remove);
            List<Path> substituted = jars(substitutes);
            if (substituted.isEmpty()) {
                throw new IllegalStateException(substitutes + " holds no jars: run the suite through Maven (-Pacceptance), which copies fabric8 and OkHttp there");
            }
            bundled.addAll(substituted);
            System.out.println("JENKINS_PLUGINS lacks " + String.join(" and ", lacking) + ": bundling fabric8 and OkHttp ("
                    + substituted.size() + " jars) in the .hpi instead of depending on " + String.join(" and ", SUBSTITUTABLE));
        }

        List<Path> classpath = new ArrayList<>();
        Path warFiles = unzip(war, work.resolve("war"), name -> name.startsWith("WEB-INF/lib/") || name.equals("executable/winstone.jar")
                || name.equals("META-INF/MANIFEST.MF"));
        classpath.addAll(jars(warFiles.resolve("WEB-INF/lib")));
        // The servlet API comes with the container (winstone) that runs the war, not with the war's libraries.
        classpath.add(warFiles.resolve("executable/winstone.jar"));
        for (InstalledPlugin plugin : installed.values()) {
            Path exploded = unzip(plugin.file(), work.resolve("plugins").resolve(plugin.shortName()),
                    name -> name.startsWith("WEB-INF/lib/") || name.startsWith("WEB-INF/optional-lib/") || name.startsWith("WEB-INF/classes/"));
            classpath.addAll(jars(exploded.resolve("WEB-INF/lib")));
            classpath.addAll(jars(exploded.resolve("WEB-INF/optional-lib")));
            if (Files.isDirectory(exploded.resolve("WEB-INF/classes"))) {
                classpath.add(exploded.resolve("WEB-INF/classes"));
            }
        }
        classpath.addAll(bundled);

        Path classes = work.resolve("classes");
        deleteRecursively(classes);
        Files.createDirectories(classes);
        compile(java, classpath, classes);
        if (Files.isDirectory(resources)) {
            copyTree(resources, classes);
        }
        String jenkinsVersion = jenkinsVersion(warFiles.resolve("META-INF/MANIFEST.MF"), war);
        Manifest manifest = manifest(version, jenkinsVersion, dependencies);
        Path pluginJar = work.resolve(SHORT_NAME + ".jar");
        writeJar(classes, manifest, pluginJar);
        writeHpi(hpi, manifest, pluginJar, bundled);
        return new PluginPackage(hpi, dependencies, jenkinsVersion);
    }

    /** Every .jpi/.hpi in the directory, by the short name its own manifest gives. */
    static Map<String, InstalledPlugin> installed(Path plugins) throws IOException {
        Map<String, InstalledPlugin> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(plugins)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jpi") || f.toString().endsWith(".hpi")).sorted().toList()) {
                try (JarFile jar = new JarFile(file.toFile())) {
                    Manifest manifest = jar.getManifest();
                    String name = manifest == null ? null : manifest.getMainAttributes().getValue("Short-Name");
                    String version = manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Version");
                    if (name == null || version == null) {
                        throw new IllegalStateException(file + " has no Short-Name or Plugin-Version in META-INF/MANIFEST.MF: it is not a Jenkins plugin; remove it from JENKINS_PLUGINS");
                    }
                    found.put(name, new InstalledPlugin(name, version, file));
                }
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("JENKINS_PLUGINS=" + plugins + " holds no .jpi or .hpi files: point it at a controller's plugins directory");
        }
        return found;
    }

    /**
     * The plugins the plugin's pom.xml depends on outside tests, at the versions installed: the controller must
     * hold each, so a missing one fails here rather than as a plugin that does not load. A missing
     * {@link #SUBSTITUTABLE} plugin is left out: its libraries are bundled instead.
     */
    static Map<String, String> dependencies(Path pom, Map<String, InstalledPlugin> installed) throws IOException {
        if (!Files.isRegularFile(pom)) {
            throw new IllegalStateException(pom + " does not exist: the plugin's dependencies are read from the pom.xml two levels above plugin.sources");
        }
        Element project;
        try {
            project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        } catch (Exception e) {
            throw new IOException(pom + " is not a readable POM: " + e.getMessage(), e);
        }
        Map<String, String> dependencies = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        NodeList sections = project.getElementsByTagName("dependencies");
        for (int s = 0; s < sections.getLength(); s++) {
            Element section = (Element) sections.item(s);
            if (!section.getParentNode().isSameNode(project)) {
                continue;
            }
            NodeList list = section.getElementsByTagName("dependency");
            for (int i = 0; i < list.getLength(); i++) {
                Element dependency = (Element) list.item(i);
                String group = text(dependency, "groupId");
                String artifact = text(dependency, "artifactId");
                String scope = text(dependency, "scope");
                if (OUR_GROUP.equals(group) || "test".equals(scope) || "provided".equals(scope)) {
                    continue;
                }
                InstalledPlugin plugin = installed.get(artifact);
                if (plugin == null && SUBSTITUTABLE.contains(artifact)) {
                    continue;
                }
                if (plugin == null) {
                    missing.add(artifact);
                } else {
                    dependencies.put(artifact, plugin.version());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(pom + " depends on plugins that are not in JENKINS_PLUGINS: " + missing
                    + ": add their .jpi files (and their own dependencies) to that directory");
        }
        return dependencies;
    }

    private static String text(Element parent, String child) {
        NodeList nodes = parent.getElementsByTagName(child);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static void compile(Path java, List<Path> classpath, Path classes) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in this runtime (" + System.getProperty("java.home") + "): run the suite with a JDK");
        }
        List<Path> sources;
        try (Stream<Path> files = Files.walk(java)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-parameters", "-encoding", "UTF-8",
                    "-classpath", String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()),
                    "-d", classes.toString());
            boolean compiled = compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            if (!compiled) {
                StringBuilder errors = new StringBuilder();
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        errors.append('\n').append(d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                                .append(d.getMessage(Locale.ROOT));
                    }
                }
                throw new AssertionError("the plugin sources in " + java + " do not compile against the war and plugins given:" + errors);
            }
        }
    }

    private static String jenkinsVersion(Path warManifest, Path war) throws IOException {
        try (InputStream in = Files.newInputStream(warManifest)) {
            Attributes main = new Manifest(in).getMainAttributes();
            String version = main.getValue("Jenkins-Version") != null ? main.getValue("Jenkins-Version") : main.getValue("Implementation-Version");
            if (version == null) {
                throw new IllegalStateException(war + " has no Jenkins-Version or Implementation-Version in META-INF/MANIFEST.MF: give a Jenkins war as JENKINS_WAR");
            }
            return version;
        }
    }

    private static Manifest manifest(String version, String jenkinsVersion, Map<String, String> dependencies) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Group-Id", OUR_GROUP);
        main.putValue("Artifact-Id", SHORT_NAME);
        main.putValue("Short-Name", SHORT_NAME);
        main.putValue("Long-Name", "Secure Delivery");
        main.putValue("Plugin-Version", version);
        main.putValue("Jenkins-Version", jenkinsVersion);
        main.putValue("Minimum-Java-Version", "17");
        main.putValue("Support-Dynamic-Loading", "true");
        main.putValue("Plugin-Dependencies", String.join(",", dependencies.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).toList()));
        return manifest;
    }

    /**
     * The plugin's own jar carries the plugin manifest too, as maven-hpi-plugin writes it: Jenkins' remoting class
     * filter lets a class cross to and from agents only when its jar's manifest names a plugin.
     */
    private static void writeJar(Path classes, Manifest manifest, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest); Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    /** Written beside the target and renamed, so a reviewer never picks up half an .hpi. */
    private static void writeHpi(Path hpi, Manifest manifest, Path pluginJar, List<Path> bundled) throws IOException {
        Files.createDirectories(hpi.getParent());
        Path partial = hpi.resolveSibling(hpi.getFileName() + ".partial");
        try (OutputStream file = Files.newOutputStream(partial); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("WEB-INF/lib/" + pluginJar.getFileName()));
            Files.copy(pluginJar, out);
            out.closeEntry();
            for (Path jar : bundled) {
                out.putNextEntry(new JarEntry("WEB-INF/lib/" + jar.getFileName()));
                Files.copy(jar, out);
                out.closeEntry();
            }
        }
        Files.move(partial, hpi, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path unzip(Path zip, Path target, java.util.function.Predicate<String> wanted) throws IOException {
        deleteRecursively(target);
        Files.createDirectories(target);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(file.entries())) {
                if (entry.isDirectory() || !wanted.test(entry.getName())) {
                    continue;
                }
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException(zip + " has an entry outside its root: " + entry.getName());
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, out);
                }
            }
        }
        return target;
    }

    private static List<Path> jars(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path out = to.resolve(from.relativize(file).toString());
                Files.createDirectories(out.getParent());
                Files.copy(file, out, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
