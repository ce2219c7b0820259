package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * C git's own server, {@code git daemon} with pushes enabled, serving the bare repositories under a directory at
 * {@code git://127.0.0.1:PORT/<name>} on a free loopback port; stopped on close.
 */
final class GitDaemon implements AutoCloseable {

    private final Process process;
    private final int port;

    GitDaemon(Path repositories) throws IOException, InterruptedException {
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        // git-daemon itself, not "git daemon": git runs it as a child that killing "git" would leave listening.
        String daemon = Path.of(GitOpsFixtures.run(repositories, "git", "--exec-path").strip(), "git-daemon")
                .toString();
        process = new ProcessBuilder(daemon, "--reuseaddr", "--export-all", "--enable=receive-pack",
                "--listen=127.0.0.1", "--port=" + port, "--base-path=" + repositories, repositories.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 200; i++) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("git daemon exited with " + process.exitValue());
                }
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("git daemon did not listen on port " + port);
    }

    String url(String repository) {
        return "git://127.0.0.1:" + port + "/" + repository;
    }

    /** Stops the server, as a crash or a dropped network would. */
    void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
