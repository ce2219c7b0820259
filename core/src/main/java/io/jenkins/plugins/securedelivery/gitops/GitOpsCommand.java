package io.jenkins.plugins.securedelivery.gitops;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.eclipse.jgit.transport.URIish;

/**
 * What every command on the GitOps repository is told: where the repository is, which branch, how to authenticate,
 * and where to make its temporary checkout. Commands are configured with fluent setters and run by {@code call()}, as
 * JGit's own commands are; one instance runs once.
 *
 * @param <C> the command itself, for fluent setters
 * @param <R> what {@code call()} returns
 */
public abstract class GitOpsCommand<C extends GitOpsCommand<C, R>, R> {

    static final String OVERLAYS = "deploy/kustomize/overlays/";
    private static final Pattern ENVIRONMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    String repository;
    String branch;
    GitCredentials credentials = GitCredentials.none();
    Path workDirectory;
    String environment;
    String overlayPath;

    GitOpsCommand() {
    }

    @SuppressWarnings("unchecked")
    final C self() {
        return (C) this;
    }

    /** The GitOps repository: an https, ssh or file:// URL, or a local path. */
    public C repository(String url) {
        this.repository = Objects.requireNonNull(url, "repository");
        return self();
    }

    /** The branch Argo CD follows; by default the repository's default branch (its HEAD). */
    public C branch(String branch) {
        this.branch = branch;
        return self();
    }

    public C credentials(GitCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        return self();
    }

    /** Where the temporary checkout is made (and deleted after); by default the system's temporary directory. */
    public C workDirectory(Path directory) {
        this.workDirectory = directory;
        return self();
    }

    /** The environment: dev, staging, prod... */
    public C environment(String environment) {
        this.environment = environment;
        return self();
    }

    /** The environment's overlay directory in the repository; by default {@code deploy/kustomize/overlays/<env>}. */
    public C overlayPath(String path) {
        this.overlayPath = path;
        return self();
    }

    public abstract R call();

    /** Checks what every command needs, and returns the remote to work on. */
    GitOpsRemote remote() {
        if (repository == null || repository.isBlank()) {
            throw new IllegalArgumentException("no GitOps repository given: name its URL or local path");
        }
        checkEnvironment(environment);
        if (overlayPath == null) {
            overlayPath = OVERLAYS + environment;
        }
        overlayPath = relativePath("overlay path", overlayPath);
        return credentialsOutOfUrl(new GitOpsRemote(repository, branch, credentials, workDirectory));
    }

    /**
     * A password written into the URL ({@code https://user:token@host/...}) is moved into the credentials, so that
     * no message or exception of JGit's can quote it.
     */
    private static GitOpsRemote credentialsOutOfUrl(GitOpsRemote remote) {
        try {
            URIish uri = new URIish(remote.url());
            if (uri.getPass() == null || uri.getUser() == null) {
                return remote;
            }
            return new GitOpsRemote(uri.setUser(null).setPass(null).toString(), remote.branch(),
                    GitCredentials.token(uri.getUser(), uri.getPass()), remote.workDirectory());
        } catch (URISyntaxException notAUrl) {
            return remote;
        }
    }

    static void checkEnvironment(String environment) {
        if (environment == null || !ENVIRONMENT.matcher(environment).matches()) {
            throw new IllegalArgumentException("'" + environment
                    + "' is not an environment name: use letters, digits, '.', '_' and '-' (dev, staging, prod)");
        }
    }

    static String relativePath(String what, String path) {
        String p = path.replace('\\', '/').replaceAll("/+$", "");
        if (p.isEmpty() || p.startsWith("/") || ("/" + p + "/").contains("/../")) {
            throw new IllegalArgumentException(what + " '" + path
                    + "' must be a path inside the repository, relative to its root, without '..'");
        }
        return p;
    }
}
