package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * An overlay as read from its directory: the kustomization file, its {@code images:} entries, and the container
 * images its strategic-merge patch files set.
 */
final class Kustomization {

    /** The names kustomize looks for, in its order. */
    static final List<String> FILE_NAMES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    private static final Set<String> CONTAINER_LISTS = Set.of("containers", "initContainers", "ephemeralContainers");

    /** One {@code images:} item. */
    record ImageEntry(MappingNode node, String name, int line) {

        Optional<NodeTuple> get(String key) {
            return YamlText.entry(node, key);
        }

        int indexOf(String key) {
            List<NodeTuple> tuples = node.getValue();
            for (int i = 0; i < tuples.size(); i++) {
                if (tuples.get(i).getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** One {@code image:} of a container in a patch file. */
    record ContainerImage(YamlText file, ScalarNode node, boolean insideOverlay) {

        String reference() {
            return node.getValue();
        }

        /** The reference without its tag and digest: what kustomize's {@code images[].name} would match. */
        String repository() {
            String ref = reference();
            int at = ref.indexOf('@');
            if (at >= 0) {
                ref = ref.substring(0, at);
            }
            int colon = ref.lastIndexOf(':');
            return colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
        }

        Optional<String> digest() {
            int at = reference().indexOf('@');
            return at < 0 ? Optional.empty() : Optional.of(reference().substring(at + 1));
        }
    }

    private final Path overlay;
    private final YamlText file;
    private final MappingNode root;
    private final List<ImageEntry> images;
    private final List<YamlText> patchFiles;
    private final List<ContainerImage> containerImages;

    private Kustomization(Path overlay, YamlText file, MappingNode root, List<ImageEntry> images,
            List<YamlText> patchFiles, List<ContainerImage> containerImages) {
        this.overlay = overlay;
        this.file = file;
        this.root = root;
        this.images = images;
        this.patchFiles = patchFiles;
        this.containerImages = containerImages;
    }

    static Kustomization read(Path directory) throws IOException {
        Path overlay = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(overlay)) {
            throw new OverlayException(overlay.toString(), 0, "is not a directory",
                    "check the environment's name, or give the overlay's path (--path) inside the repository");
        }
        List<String> found = FILE_NAMES.stream().filter(n -> Files.isRegularFile(overlay.resolve(n))).toList();
        if (found.isEmpty()) {
            throw new OverlayException(overlay.toString(), 0, "has no kustomization file",
                    "an overlay needs one of " + String.join(", ", FILE_NAMES) + ": add one to it (kustomize create makes one), "
                            + "or name the overlay directory that has one");
        }
        if (found.size() > 1) {
            throw new OverlayException(overlay.toString(), 0, "has " + String.join(" and ", found),
                    "keep one of them; kustomize refuses both");
        }
        YamlText file = YamlText.read(overlay.resolve(found.get(0)), overlay.resolve(found.get(0)).toString());
        MappingNode root = file.rootMapping("a kustomization");
        List<ImageEntry> images = imageEntries(file, root);
        List<YamlText> patchFiles = new ArrayList<>();
        List<ContainerImage> containerImages = new ArrayList<>();
        for (String path : patchPaths(root)) {
            Path patch = overlay.resolve(path).normalize();
            if (!Files.isRegularFile(patch)) {
                throw new OverlayException(file.name(), 0, "names the patch " + path + ", which does not exist",
                        "add the file or remove it from the kustomization");
            }
            YamlText text = YamlText.read(patch, patch.toString());
            patchFiles.add(text);
            boolean inside = patch.startsWith(overlay);
            for (Node document : text.documents()) {
                collectContainerImages(text, document, inside, containerImages);
            }
        }
        return new Kustomization(overlay, file, root, images, patchFiles, containerImages);
    }

    private static List<ImageEntry> imageEntries(YamlText file, MappingNode root) {
        Optional<NodeTuple> tuple = YamlText.entry(root, "images");
        if (tuple.isEmpty() || YamlText.isEmpty(tuple.get().getValueNode())) {
            return List.of();
        }
        if (!(tuple.get().getValueNode() instanceof SequenceNode list)) {
            throw new OverlayException(file.name(), file.line(tuple.get().getValueNode()), "images: is not a list",
                    "write images: as a list of entries with name, newName and digest");
        }
        List<ImageEntry> entries = new ArrayList<>();
        Map<String, Integer> lines = new HashMap<>();
        for (Node item : list.getValue()) {
            Optional<String> name = item instanceof MappingNode m ? YamlText.scalar(m, "name") : Optional.empty();
            if (name.isEmpty()) {
                throw new OverlayException(file.name(), file.line(item), "an images: entry has no name",
                        "give each entry the image's name as the resources write it");
            }
            Integer previous = lines.put(name.get(), file.line(item));
            if (previous != null) {
                throw new OverlayException(file.name(), file.line(item), "image " + name.get()
                        + " is listed twice in images: (also at line " + previous + ")",
                        "keep one entry per image; kustomize would apply only one of them");
            }
            entries.add(new ImageEntry((MappingNode) item, name.get(), file.line(item)));
        }
        return List.copyOf(entries);
    }

    /** Strategic-merge patch files: {@code patchesStrategicMerge} paths and {@code patches[].path}; inline ones are skipped. */
    private static List<String> patchPaths(MappingNode root) {
        Set<String> paths = new LinkedHashSet<>();
        YamlText.entry(root, "patchesStrategicMerge").map(NodeTuple::getValueNode).ifPresent(node -> {
            if (node instanceof SequenceNode list) {
                for (Node item : list.getValue()) {
                    if (item instanceof ScalarNode s && !s.getValue().contains("\n") && !s.getValue().isBlank()) {
                        paths.add(s.getValue().trim());
                    }
                }
            }
        });
        YamlText.entry(root, "patches").map(NodeTuple::getValueNode).ifPresent(node -> {
            if (node instanceof SequenceNode list) {
                for (Node item : list.getValue()) {
                    if (item instanceof MappingNode m) {
                        YamlText.scalar(m, "path").ifPresent(p -> paths.add(p.trim()));
                    }
                }
            }
        });
        return List.copyOf(paths);
    }

    private static void collectContainerImages(YamlText file, Node node, boolean inside, List<ContainerImage> out) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key && CONTAINER_LISTS.contains(key.getValue())
                        && tuple.getValueNode() instanceof SequenceNode containers) {
                    for (Node container : containers.getValue()) {
                        if (container instanceof MappingNode c) {
                            YamlText.entry(c, "image")
                                    .filter(t -> t.getValueNode() instanceof ScalarNode s && !s.getValue().isEmpty())
                                    .ifPresent(t -> out.add(new ContainerImage(file, (ScalarNode) t.getValueNode(), inside)));
                        }
                    }
                } else {
                    collectContainerImages(file, tuple.getValueNode(), inside, out);
                }
            }
        } else if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                collectContainerImages(file, item, inside, out);
            }
        }
    }

    Path overlay() {
        return overlay;
    }

    YamlText file() {
        return file;
    }

    MappingNode root() {
        return root;
    }

    List<ImageEntry> images() {
        return images;
    }

    List<YamlText> patchFiles() {
        return patchFiles;
    }

    List<ContainerImage> containerImages() {
        return containerImages;
    }

    Optional<ImageEntry> image(String name) {
        return images.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** Every image the overlay names, for messages. */
    List<String> mentionedImages() {
        Set<String> names = new LinkedHashSet<>();
        images.forEach(e -> names.add(e.name()));
        containerImages.forEach(c -> names.add(c.repository()));
        return List.copyOf(names);
    }
}
