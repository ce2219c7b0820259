package io.jenkins.plugins.securedelivery.gitops;

import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * JGit's own smart-HTTP server, in process, serving the bare repositories under a directory at
 * {@code http://127.0.0.1:PORT/git/<name>}, every request behind HTTP basic authentication ({@link #USER} /
 * {@link #PASSWORD}).
 */
public final class JGitHttpServer implements AutoCloseable {

    public static final String USER = AppServer.username;
    public static final String PASSWORD = AppServer.password;

    private final AppServer server = new AppServer();

    public JGitHttpServer(Path repositories) throws Exception {
        ServletContextHandler app = server.addContext("/git");
        GitServlet git = new GitServlet();
        git.setRepositoryResolver(new FileResolver<>(repositories.toFile(), true));
        app.addServlet(new ServletHolder(git), "/*");
        server.authBasic(app);
        server.setUp();
    }

    public String url(String repository) {
        return "http://127.0.0.1:" + server.getPort() + "/git/" + repository;
    }

    @Override
    public void close() {
        try {
            server.tearDown();
        } catch (Exception e) {
            throw new IllegalStateException("the test HTTP server did not stop", e);
        }
    }
}
