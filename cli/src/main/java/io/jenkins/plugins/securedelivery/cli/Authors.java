package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.gitops.GitOpsException;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --author "Name <email>"} as git writes an identity. */
final class Authors {

    private static final Pattern IDENTITY = Pattern.compile("\\s*(.+?)\\s*<([^>]+)>\\s*");

    private Authors() {}

    static void apply(String author, BiConsumer<String, String> setter) {
        if (author == null) {
            return;
        }
        Matcher m = IDENTITY.matcher(author);
        if (!m.matches()) {
            throw new GitOpsException("--author " + author, "not a git identity", "write it as \"Name <email>\", e.g. \"Release Bot <release@example.com>\"");
        }
        setter.accept(m.group(1), m.group(2));
    }
}
