package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One YAML file as text, with the node tree SnakeYAML composes from it, edited by splicing new text between the
 * nodes' marks. Hand-spliced because no Java YAML library writes a document back with its comments, quoting,
 * indentation and line endings intact: everything outside the changed values stays byte for byte.
 */
final class YamlText {

    private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/@+-]*(:[A-Za-z0-9._/@+-]+)*");

    private record Splice(int start, int end, String text, int order) {
    }

    private final Path path;
    private final String name;
    private final String text;
    private final boolean sameIndexes;
    private final String lineBreak;
    private final List<Node> documents;
    private final List<Splice> splices = new ArrayList<>();

    private YamlText(Path path, String name, String text) {
        this.path = path;
        this.name = name;
        this.text = text;
        this.sameIndexes = text.codePointCount(0, text.length()) == text.length();
        this.lineBreak = text.contains("\r\n") ? "\r\n" : "\n";
        this.documents = compose(name, text);
    }

    /** Reads {@code file}, named {@code name} in messages. */
    static YamlText read(Path file, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new OverlayException(name, 0, "is not UTF-8 text", "save it as UTF-8, as kustomize expects", e);
        }
        return new YamlText(file, name, text);
    }

    private static List<Node> compose(String name, String text) {
        List<Node> nodes = new ArrayList<>();
        try {
            for (Node node : new Yaml(new LoaderOptions()).composeAll(new StringReader(text))) {
                nodes.add(node);
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new OverlayException(name, mark == null ? 0 : mark.getLine() + 1,
                    "is not valid YAML (" + e.getProblem() + ")", "fix the YAML; kustomize cannot build it either", e);
        } catch (YAMLException e) {
            throw new OverlayException(name, 0, "is not valid YAML (" + e.getMessage() + ")",
                    "fix the YAML; kustomize cannot build it either", e);
        }
        return nodes;
    }

    String name() {
        return name;
    }

    Path path() {
        return path;
    }

    List<Node> documents() {
        return documents;
    }

    /** The first document's root mapping, or an error naming what the file holds instead. */
    MappingNode rootMapping(String what) {
        if (documents.isEmpty() || !(documents.get(0) instanceof MappingNode root)) {
            throw new OverlayException(name, documents.isEmpty() ? 0 : line(documents.get(0)),
                    "is not a YAML mapping", "write " + what + " as a mapping of keys to values");
        }
        return root;
    }

    int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    boolean changed() {
        return !splices.isEmpty();
    }

    /** The edited text, or the original when nothing was changed. */
    String result() {
        List<Splice> ordered = new ArrayList<>(splices);
        // From the end backwards so earlier offsets stay valid; at one position, the first asked lands first.
        ordered.sort(Comparator.comparingInt(Splice::start).thenComparingInt(Splice::order).reversed());
        StringBuilder out = new StringBuilder(text);
        for (Splice s : ordered) {
            out.replace(s.start, s.end, s.text);
        }
        return out.toString();
    }

    // ---- reading nodes

    static Optional<NodeTuple> entry(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return Optional.of(tuple);
            }
        }
        return Optional.empty();
    }

    /** The scalar value of {@code key}, if the mapping has one that is not empty. */
    static Optional<String> scalar(MappingNode mapping, String key) {
        return entry(mapping, key)
                .filter(t -> t.getValueNode() instanceof ScalarNode)
                .map(t -> ((ScalarNode) t.getValueNode()).getValue())
                .filter(v -> !v.isEmpty());
    }

    // ---- editing

    /** Replaces a scalar's value, in the quoting style it was written in. */
    void replace(ScalarNode node, String value) {
        if (isEmpty(node)) {
            throw new IllegalStateException("empty values are filled in with setEmpty");
        }
        String written = switch (node.getScalarStyle()) {
            case PLAIN -> PLAIN_SAFE.matcher(value).matches() ? value : doubleQuoted(value);
            case SINGLE_QUOTED -> "'" + value.replace("'", "''") + "'";
            case DOUBLE_QUOTED -> doubleQuoted(value);
            default -> throw new OverlayException(name, line(node), "the value '" + node.getValue()
                    + "' is a block scalar", "write it on one line, as a plain or quoted value");
        };
        splice(index(node.getStartMark()), index(node.getEndMark()), written);
    }

    /** Gives {@code key:} with no value the value {@code value}. */
    void setEmpty(NodeTuple tuple, String value) {
        int colon = text.indexOf(':', index(tuple.getKeyNode().getEndMark()));
        splice(colon + 1, colon + 1, " " + written(value));
    }

    static boolean isEmpty(Node node) {
        return node instanceof ScalarNode s && s.getValue().isEmpty()
                && s.getScalarStyle() == ScalarStyle.PLAIN;
    }

    /** Removes entry {@code i} of a mapping with the line it is on, or, first of a sequence item, up to the next key. */
    void remove(MappingNode mapping, int i) {
        List<NodeTuple> tuples = mapping.getValue();
        NodeTuple tuple = tuples.get(i);
        int keyStart = index(tuple.getKeyNode().getStartMark());
        if (mapping.getFlowStyle() == FlowStyle.FLOW) {
            if (i + 1 < tuples.size()) {
                splice(keyStart, index(tuples.get(i + 1).getKeyNode().getStartMark()), "");
            } else {
                splice(end(tuples.get(i - 1).getValueNode()), end(tuple.getValueNode()), "");
            }
        } else if (i > 0) {
            splice(lineStart(keyStart), lineAfter(end(tuple.getValueNode())), "");
        } else {
            // "- newTag: x" first in its item: the next key moves up behind the dash.
            splice(keyStart, index(tuples.get(1).getKeyNode().getStartMark()), "");
        }
    }

    /** Inserts entries after entry {@code i}: on their own lines with the siblings' indentation, or inline in a flow. */
    void insertAfter(MappingNode mapping, int i, Map<String, String> entries) {
        if (entries.isEmpty()) {
            return;
        }
        NodeTuple after = mapping.getValue().get(i);
        if (mapping.getFlowStyle() == FlowStyle.FLOW) {
            StringBuilder inline = new StringBuilder();
            entries.forEach((k, v) -> inline.append(", ").append(k).append(": ").append(flowWritten(v)));
            splice(end(after.getValueNode()), end(after.getValueNode()), inline.toString());
            return;
        }
        String indent = " ".repeat(after.getKeyNode().getStartMark().getColumn());
        StringBuilder lines = new StringBuilder();
        entries.forEach((k, v) -> lines.append(indent).append(k).append(": ").append(written(v)).append(lineBreak));
        insertLines(lineAfter(end(after.getValueNode())), lines.toString());
    }

    /** Appends mapping items to a sequence, in the sequence's style and indentation. */
    void append(SequenceNode sequence, List<Map<String, String>> newItems) {
        List<Node> items = sequence.getValue();
        if (sequence.getFlowStyle() == FlowStyle.FLOW) {
            StringBuilder inline = new StringBuilder();
            for (Map<String, String> item : newItems) {
                inline.append(inline.isEmpty() && items.isEmpty() ? "" : ", ").append(flowItem(item));
            }
            int at = items.isEmpty() ? index(sequence.getEndMark()) - 1 : end(items.get(items.size() - 1));
            splice(at, at, inline.toString());
            return;
        }
        int dash = sequence.getStartMark().getColumn();
        int key = items.get(0) instanceof MappingNode first && !first.getValue().isEmpty()
                ? first.getValue().get(0).getKeyNode().getStartMark().getColumn()
                : dash + 2;
        insertLines(lineAfter(end(sequence)), blockItems(dash, key, newItems));
    }

    /** Gives a key with no value, or a new last key, a block sequence of mapping items. */
    void addSequence(MappingNode mapping, String key, List<Map<String, String>> newItems) {
        Optional<NodeTuple> existing = entry(mapping, key);
        int offset = sequenceIndent(mapping);
        if (existing.isPresent()) {
            NodeTuple tuple = existing.get();
            int column = tuple.getKeyNode().getStartMark().getColumn() + offset;
            insertLines(lineAfter(index(tuple.getKeyNode().getEndMark())), blockItems(column, column + 2, newItems));
            return;
        }
        if (mapping.getFlowStyle() == FlowStyle.FLOW) {
            throw new OverlayException(name, line(mapping), "is written as one flow mapping {...}",
                    "write it in block style to let " + key + ": be added");
        }
        int column = mapping.getValue().isEmpty() ? 0 : mapping.getValue().get(0).getKeyNode().getStartMark().getColumn();
        int at = mapping.getValue().isEmpty() ? text.length() : lineAfter(end(mapping));
        insertLines(at, " ".repeat(column) + key + ":" + lineBreak
                + blockItems(column + offset, column + offset + 2, newItems));
    }

    /** How far the mapping's other block lists indent their dashes under their key (kustomize itself writes 0). */
    private static int sequenceIndent(MappingNode mapping) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getValueNode() instanceof SequenceNode s && s.getFlowStyle() != FlowStyle.FLOW
                    && !s.getValue().isEmpty()) {
                return Math.max(0, s.getStartMark().getColumn() - tuple.getKeyNode().getStartMark().getColumn());
            }
        }
        return 0;
    }

    private String flowItem(Map<String, String> item) {
        StringBuilder inline = new StringBuilder("{");
        item.forEach((k, v) -> inline.append(inline.length() > 1 ? ", " : "").append(k).append(": ").append(flowWritten(v)));
        return inline.append('}').toString();
    }

    private String blockItems(int dash, int key, List<Map<String, String>> items) {
        StringBuilder lines = new StringBuilder();
        for (Map<String, String> item : items) {
            lines.append(blockItem(dash, key, item));
        }
        return lines.toString();
    }

    private String blockItem(int dash, int key, Map<String, String> item) {
        StringBuilder lines = new StringBuilder();
        item.forEach((k, v) -> {
            if (lines.isEmpty()) {
                lines.append(" ".repeat(dash)).append('-').append(" ".repeat(Math.max(1, key - dash - 1)));
            } else {
                lines.append(" ".repeat(key));
            }
            lines.append(k).append(": ").append(written(v)).append(lineBreak);
        });
        return lines.toString();
    }

    private void insertLines(int at, String lines) {
        // A last line without a line break gets one before the new lines.
        boolean needsBreak = at == text.length() && !text.isEmpty() && !text.endsWith("\n");
        splice(at, at, (needsBreak ? lineBreak : "") + lines);
    }

    private void splice(int start, int end, String replacement) {
        splices.add(new Splice(start, end, replacement, splices.size()));
    }

    private static String written(String value) {
        return PLAIN_SAFE.matcher(value).matches() ? value : doubleQuoted(value);
    }

    /** Inside {@code {}} or {@code []} a colon ends a plain key in some parsers: quote what has one. */
    private static String flowWritten(String value) {
        return value.indexOf(':') < 0 ? written(value) : doubleQuoted(value);
    }

    private static String doubleQuoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ---- positions

    /** Where the last scalar of a node ends (a block collection's own end mark runs on over comments and blank lines). */
    private int end(Node node) {
        if (node instanceof MappingNode m && m.getFlowStyle() != FlowStyle.FLOW
                && !m.getValue().isEmpty()) {
            return end(m.getValue().get(m.getValue().size() - 1).getValueNode());
        }
        if (node instanceof SequenceNode s && s.getFlowStyle() != FlowStyle.FLOW
                && !s.getValue().isEmpty()) {
            return end(s.getValue().get(s.getValue().size() - 1));
        }
        return index(node.getEndMark());
    }

    private int lineStart(int at) {
        return text.lastIndexOf('\n', at - 1) + 1;
    }

    /** The start of the line after {@code at}, or the end of the text. */
    private int lineAfter(int at) {
        int newline = text.indexOf('\n', at);
        return newline < 0 ? text.length() : newline + 1;
    }

    /** SnakeYAML counts code points; the text is indexed in UTF-16 chars. */
    private int index(Mark mark) {
        return sameIndexes ? mark.getIndex() : text.offsetByCodePoints(0, mark.getIndex());
    }
}
