package io.jenkins.plugins.securedelivery.gitops;

import io.jenkins.plugins.securedelivery.InputException;
import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * An overlay that cannot be read or edited as asked: a missing directory or kustomization, malformed YAML, an
 * {@code images:} that is not a list, an image the overlay does not mention, a name listed twice. The message names
 * the file (and line when known), what is wrong, and what to do; nothing is written when it is thrown.
 */
public class OverlayException extends InputException {

    private final String file;
    private final int line;
    private final String problem;
    private final String fix;

    /**
     * @param file    the file or directory at fault, as the user knows it
     * @param line    1-based line, or 0 when not known
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public OverlayException(String file, int line, String problem, String fix) {
        this(file, line, problem, fix, null);
    }

    public OverlayException(String file, int line, String problem, String fix, Throwable cause) {
        super(file + (line > 0 ? ":" + line : ""), problem, fix, cause);
        this.file = file;
        this.line = line;
        this.problem = problem;
        this.fix = fix;
    }

    public String file() {
        return file;
    }

    /** 1-based line of the problem, or 0 when it is not known. */
    public int line() {
        return line;
    }

    /**
     * The same problem with its file named as it is in the GitOps repository ({@code <repository> <path inside it>})
     * instead of in the temporary checkout the user never saw; unchanged when the file is not in {@code checkout}.
     */
    OverlayException inRepository(String repository, Path checkout) {
        Path at;
        try {
            at = Path.of(file);
        } catch (InvalidPathException notAPath) {
            return this;
        }
        Path root = checkout.toAbsolutePath().normalize();
        if (!at.isAbsolute() || !at.normalize().startsWith(root)) {
            return this;
        }
        String inside = root.relativize(at.normalize()).toString().replace(File.separatorChar, '/');
        // the cause, not this exception: its message holds the checkout's path
        return new OverlayException(repository + " " + (inside.isEmpty() ? "." : inside), line, problem, fix, getCause());
    }
}
