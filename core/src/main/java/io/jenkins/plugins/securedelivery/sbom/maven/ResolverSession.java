package io.jenkins.plugins.securedelivery.sbom.maven;

import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.maven.model.Activation;
import org.apache.maven.model.ActivationFile;
import org.apache.maven.model.ActivationOS;
import org.apache.maven.model.ActivationProperty;
import org.apache.maven.model.Profile;
import org.apache.maven.model.Repository;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.apache.maven.settings.Mirror;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsBuilderFactory;
import org.apache.maven.settings.building.DefaultSettingsBuildingRequest;
import org.apache.maven.settings.building.SettingsBuildingException;
import org.apache.maven.settings.building.SettingsProblem;
import org.eclipse.aether.DefaultRepositoryCache;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.repository.Authentication;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.util.graph.transformer.ConflictResolver;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.SimpleArtifactDescriptorPolicy;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;

/**
 * A resolver session set up as Maven sets up its own from the user's settings.xml: local repository, offline mode,
 * mirrors, proxies and the servers' credentials.
 */
final class ResolverSession {

    /**
     * The session, and the profiles of the settings that Maven applies to every project (their repositories and
     * properties), with the ids the settings activate.
     */
    record Setup(DefaultRepositorySystemSession session, List<Profile> profiles, List<String> activeProfiles) {}

    /** Maven's marker of a password encrypted with settings-security.xml: "{...}" not escaped. */
    private static final Pattern ENCRYPTED = Pattern.compile(".*?[^\\\\]?\\{(.*?[^\\\\])\\}.*", Pattern.DOTALL);

    private ResolverSession() {}

    static Setup open(RepositorySystem system, ScanContext.MavenSettings given) {
        ScanContext.MavenSettings maven = given == null ? ScanContext.MavenSettings.defaults() : given;
        Path home = Path.of(System.getProperty("user.home"));
        Path settingsFile = maven.settingsFile() != null ? maven.settingsFile() : home.resolve(".m2/settings.xml");
        if (maven.settingsFile() != null && !Files.isRegularFile(settingsFile)) {
            throw new SbomInputException(settingsFile.toString(), 0, "the Maven settings file does not exist",
                    "give the path of an existing settings.xml");
        }
        Settings settings = Files.isRegularFile(settingsFile) ? readSettings(settingsFile) : new Settings();

        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        Properties properties = new Properties();
        properties.putAll(System.getProperties());
        // Maven exposes the environment as env.* for interpolation in poms.
        System.getenv().forEach((name, value) -> properties.setProperty("env." + name, value));
        session.setSystemProperties(properties);
        session.setCache(new DefaultRepositoryCache());
        session.setOffline(maven.offline() || settings.isOffline());
        session.setChecksumPolicy(RepositoryPolicy.CHECKSUM_POLICY_WARN);
        // Maven only warns about a missing or invalid dependency pom; an SBOM cannot list what that pom would have
        // brought in, so it is a gap.
        session.setArtifactDescriptorPolicy(new SimpleArtifactDescriptorPolicy(false, false));
        // Keep conflict losers in the graph, as cyclonedx-maven-plugin does, so that a dependency reached only
        // through a test-scoped winner is still listed the same way.
        session.setConfigProperty(ConflictResolver.CONFIG_PROP_VERBOSE, true);
        session.setConfigProperty("aether.connector.userAgent", "secure-delivery-sbom");

        Path local = maven.localRepository() != null ? maven.localRepository()
                : settings.getLocalRepository() != null ? Path.of(settings.getLocalRepository())
                : home.resolve(".m2/repository");
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(local.toFile())));

        DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
        for (Mirror mirror : settings.getMirrors()) {
            mirrors.add(mirror.getId(), mirror.getUrl(), mirror.getLayout(), false, mirror.isBlocked(),
                    mirror.getMirrorOf(), mirror.getMirrorOfLayouts());
        }
        session.setMirrorSelector(mirrors);

        DefaultProxySelector proxies = new DefaultProxySelector();
        for (Proxy proxy : settings.getProxies()) {
            if (!proxy.isActive()) {
                continue;
            }
            Authentication auth = new AuthenticationBuilder()
                    .addUsername(proxy.getUsername())
                    .addPassword(plainPassword(settingsFile, "proxy " + proxy.getId(), proxy.getPassword()))
                    .build();
            proxies.add(new org.eclipse.aether.repository.Proxy(proxy.getProtocol(), proxy.getHost(), proxy.getPort(),
                    auth), proxy.getNonProxyHosts());
        }
        session.setProxySelector(proxies);

        DefaultAuthenticationSelector credentials = new DefaultAuthenticationSelector();
        for (Server server : settings.getServers()) {
            credentials.add(server.getId(), new AuthenticationBuilder()
                    .addUsername(server.getUsername())
                    .addPassword(plainPassword(settingsFile, "server " + server.getId(), server.getPassword()))
                    .addPrivateKey(server.getPrivateKey(),
                            plainPassword(settingsFile, "server " + server.getId(), server.getPassphrase()))
                    .build());
        }
        session.setAuthenticationSelector(credentials);
        return new Setup(session, settings.getProfiles().stream().map(ResolverSession::profile).toList(),
                List.copyOf(settings.getActiveProfiles()));
    }

    /** A settings profile as the model profile Maven injects (maven-core's SettingsUtils, not on our class path). */
    private static Profile profile(org.apache.maven.settings.Profile settings) {
        Profile profile = new Profile();
        profile.setId(settings.getId());
        profile.setSource("settings.xml");
        profile.setProperties(settings.getProperties());
        org.apache.maven.settings.Activation given = settings.getActivation();
        if (given != null) {
            Activation activation = new Activation();
            activation.setActiveByDefault(given.isActiveByDefault());
            activation.setJdk(given.getJdk());
            if (given.getOs() != null) {
                ActivationOS os = new ActivationOS();
                os.setName(given.getOs().getName());
                os.setFamily(given.getOs().getFamily());
                os.setArch(given.getOs().getArch());
                os.setVersion(given.getOs().getVersion());
                activation.setOs(os);
            }
            if (given.getProperty() != null) {
                ActivationProperty property = new ActivationProperty();
                property.setName(given.getProperty().getName());
                property.setValue(given.getProperty().getValue());
                activation.setProperty(property);
            }
            if (given.getFile() != null) {
                ActivationFile file = new ActivationFile();
                file.setExists(given.getFile().getExists());
                file.setMissing(given.getFile().getMissing());
                activation.setFile(file);
            }
            profile.setActivation(activation);
        }
        for (org.apache.maven.settings.Repository declared : settings.getRepositories()) {
            Repository repository = new Repository();
            repository.setId(declared.getId());
            repository.setName(declared.getName());
            repository.setUrl(declared.getUrl());
            repository.setLayout(declared.getLayout());
            repository.setReleases(policy(declared.getReleases()));
            repository.setSnapshots(policy(declared.getSnapshots()));
            profile.addRepository(repository);
        }
        return profile;
    }

    private static org.apache.maven.model.RepositoryPolicy policy(org.apache.maven.settings.RepositoryPolicy declared) {
        if (declared == null) {
            return null;
        }
        org.apache.maven.model.RepositoryPolicy policy = new org.apache.maven.model.RepositoryPolicy();
        policy.setEnabled(declared.isEnabled());
        policy.setUpdatePolicy(declared.getUpdatePolicy());
        policy.setChecksumPolicy(declared.getChecksumPolicy());
        return policy;
    }

    private static Settings readSettings(Path file) {
        DefaultSettingsBuildingRequest request = new DefaultSettingsBuildingRequest();
        request.setUserSettingsFile(file.toFile());
        // ${user.home} and ${env.X} are common in settings (local repository, passwords kept out of the file).
        Properties properties = new Properties();
        properties.putAll(System.getProperties());
        System.getenv().forEach((name, value) -> properties.setProperty("env." + name, value));
        request.setSystemProperties(properties);
        try {
            return new DefaultSettingsBuilderFactory().newInstance().build(request).getEffectiveSettings();
        } catch (SettingsBuildingException e) {
            SettingsProblem first = e.getProblems().get(0);
            throw new SbomInputException(file.toString(), Math.max(first.getLineNumber(), 0),
                    "the Maven settings file is not valid: " + first.getMessage(),
                    "fix the settings.xml (mvn -s " + file + " help:effective-settings shows the same problem)", e);
        }
    }

    /** Refuses settings-security encrypted passwords rather than sending the cipher text as a password. */
    private static String plainPassword(Path settingsFile, String owner, String password) {
        if (password != null && ENCRYPTED.matcher(password).matches()) {
            throw new SbomInputException(settingsFile.toString(), 0,
                    "the password of " + owner + " is encrypted with settings-security.xml, which is not supported",
                    "give a settings file with the plain password, or write it as ${env.VARIABLE} and set that variable");
        }
        return password;
    }
}
