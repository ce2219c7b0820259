package io.jenkins.plugins.securedelivery.sbom.golang;

import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The directives of a go.mod file that make the module graph. Hand-written: go.mod is Go's own format
 * (golang.org/x/mod/modfile) and no Java library reads it; its grammar is lines of words with optional blocks.
 *
 * @param module   the module path
 * @param requires the require directives in file order
 * @param replaces the replace directives
 * @param excludes the exclude directives
 */
record GoModFile(String module, List<Require> requires, List<Replace> replaces, List<ModuleVersion> excludes) {

    record ModuleVersion(String path, String version) {}

    record Require(String path, String version, boolean indirect, int line) {}

    /** {@code old [version] => new [version]}; a replacement without a version is a directory. */
    record Replace(String path, String version, String newPath, String newVersion, int line) {
        boolean local() {
            return newVersion == null;
        }

        boolean matches(String modulePath, String moduleVersion) {
            return path.equals(modulePath) && (version == null || version.equals(moduleVersion));
        }
    }

    static GoModFile parse(String file, String text) {
        String module = null;
        List<Require> requires = new ArrayList<>();
        List<Replace> replaces = new ArrayList<>();
        List<ModuleVersion> excludes = new ArrayList<>();
        String block = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String raw = lines[i];
            int comment = raw.indexOf("//");
            String comments = comment < 0 ? "" : raw.substring(comment + 2).trim();
            String line = (comment < 0 ? raw : raw.substring(0, comment)).trim();
            if (line.isEmpty()) {
                continue;
            }
            String directive;
            String rest;
            if (block != null) {
                if (line.equals(")")) {
                    block = null;
                    continue;
                }
                directive = block;
                rest = line;
            } else {
                String[] split = line.split("\\s+", 2);
                directive = split[0];
                rest = split.length > 1 ? split[1].trim() : "";
                if (rest.equals("(")) {
                    block = directive;
                    continue;
                }
            }
            List<String> words = words(rest);
            switch (directive) {
                case "module" -> module = expect(file, number, words, 1, "module path").get(0);
                case "require" -> {
                    List<String> w = expect(file, number, words, 2, "module path and version");
                    boolean indirect = comments.equals("indirect") || comments.startsWith("indirect;");
                    requires.add(new Require(w.get(0), w.get(1), indirect, number));
                }
                case "exclude" -> {
                    List<String> w = expect(file, number, words, 2, "module path and version");
                    excludes.add(new ModuleVersion(w.get(0), w.get(1)));
                }
                case "replace" -> replaces.add(replace(file, number, words));
                case "go", "toolchain", "retract", "godebug", "tool", "ignore" -> {
                    // no bearing on which modules are built
                }
                default -> throw new SbomInputException(file, number, "unknown directive " + directive,
                        "fix the go.mod file (`go mod edit -fmt` reports its syntax errors)");
            }
        }
        if (block != null) {
            throw new SbomInputException(file, lines.length, "the " + block + " block is not closed",
                    "add the closing parenthesis");
        }
        if (module == null) {
            throw new SbomInputException(file, 1, "the file has no module directive", "add `module <path>` to it");
        }
        return new GoModFile(module, requires, replaces, excludes);
    }

    private static Replace replace(String file, int number, List<String> words) {
        int arrow = words.indexOf("=>");
        if (arrow < 1 || arrow > 2 || words.size() - arrow - 1 < 1 || words.size() - arrow - 1 > 2) {
            throw new SbomInputException(file, number, "the replace directive is malformed",
                    "write it as `replace old [version] => new [version]`");
        }
        return new Replace(words.get(0), arrow == 2 ? words.get(1) : null, words.get(arrow + 1),
                words.size() - arrow - 1 == 2 ? words.get(arrow + 2) : null, number);
    }

    private static List<String> expect(String file, int number, List<String> words, int count, String what) {
        if (words.size() != count) {
            throw new SbomInputException(file, number, "expected the " + what + ", found: " + String.join(" ", words),
                    "fix the go.mod file (`go mod edit -fmt` reports its syntax errors)");
        }
        return words;
    }

    /** Words separated by blanks; Go allows module paths and versions in double or back quotes. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.length() >= 2 && (word.startsWith("\"") && word.endsWith("\"") || word.startsWith("`") && word.endsWith("`"))) {
                word = word.substring(1, word.length() - 1);
            }
            words.add(word);
        }
        return words;
    }
}
