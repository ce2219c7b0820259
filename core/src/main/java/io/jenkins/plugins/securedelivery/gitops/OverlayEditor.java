package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Pins images by digest in an environment's kustomize overlay, changing nothing but the pinned values: comments, key
 * order, quoting, indentation, blank lines and line endings stay byte for byte.
 *
 * <p>An overlay names an image in one or both of two places, and both are edited:
 * <ul>
 *   <li>the kustomization's {@code images:} list, found by {@code name}: {@code digest} is set, {@code newName} is set
 *       when it differs from the name or was already written, and {@code newTag} goes away (turned into the
 *       {@code digest:} line when there was none);</li>
 *   <li>strategic-merge patch files the kustomization lists (under {@code patchesStrategicMerge}, or as
 *       {@code patches[].path}), such as seed 000's {@code image-tag.yaml}: every container {@code image:} whose
 *       repository is the pin's name or newName becomes {@code newName@sha256:...}.</li>
 * </ul>
 * A patch file outside the overlay directory (shared by several environments) is never edited. An image the overlay
 * does not name, or names only in such a shared patch, is an error, or, when asked, a new {@code images:} entry.
 *
 * <pre>{@code
 * Map<String, byte[]> changes = new OverlayEditor(List.of(ImagePin.parse("ghcr.io/org/app=reg.example/app@sha256:...")), false)
 *         .apply(checkout.resolve("deploy/kustomize/overlays/staging"));
 * List<ImagePin> running = OverlayEditor.current(checkout.resolve("deploy/kustomize/overlays/staging"));
 * }</pre>
 */
public final class OverlayEditor implements OverlayEdit {

    private final List<ImagePin> images;
    private final boolean addMissing;

    /**
     * @param images     the release: every image to pin, each name once
     * @param addMissing add an {@code images:} entry for an image the overlay does not name, instead of failing
     */
    public OverlayEditor(List<ImagePin> images, boolean addMissing) {
        this.images = List.copyOf(images);
        if (this.images.isEmpty()) {
            throw new IllegalArgumentException("a promotion needs at least one image");
        }
        Set<String> names = new HashSet<>();
        for (ImagePin pin : this.images) {
            if (!names.add(pin.name())) {
                throw new IllegalArgumentException("image " + pin.name() + " is given twice: give each image once");
            }
        }
        this.addMissing = addMissing;
    }

    public List<ImagePin> images() {
        return images;
    }

    @Override
    public Map<String, byte[]> apply(Path overlay) throws IOException {
        Kustomization kustomization = Kustomization.read(overlay);
        YamlText file = kustomization.file();
        List<ImagePin> missing = new ArrayList<>();
        for (ImagePin pin : images) {
            Optional<Kustomization.ImageEntry> entry = kustomization.image(pin.name());
            List<Kustomization.ContainerImage> containers = kustomization.containerImages().stream()
                    .filter(c -> c.repository().equals(pin.name()) || c.repository().equals(pin.newName()))
                    .toList();
            entry.ifPresent(e -> pin(file, e, pin));
            boolean patched = false;
            for (Kustomization.ContainerImage container : containers) {
                if (!container.insideOverlay()) {
                    if (entry.isEmpty() && !addMissing) {
                        throw new OverlayException(container.file().name(), container.file().line(container.node()),
                                "sets image " + container.repository() + " for every overlay that uses it, not only "
                                        + overlay,
                                "use --add-missing (promoteOverlay's addMissing: true) to pin it in this overlay's images: (kustomize applies the entry "
                                        + "after the patch), or move the patch into the overlay");
                    }
                    continue;
                }
                patched = true;
                String reference = pin.newName() + "@" + pin.digest();
                if (!container.reference().equals(reference)) {
                    container.file().replace(container.node(), reference);
                }
            }
            if (entry.isEmpty() && !patched) {
                missing.add(pin);
            }
        }
        if (!missing.isEmpty()) {
            addOrRefuse(kustomization, missing);
        }
        Map<String, byte[]> changes = new TreeMap<>();
        List<YamlText> files = new ArrayList<>(kustomization.patchFiles());
        files.add(file);
        for (YamlText text : files) {
            if (text.changed()) {
                String relative = kustomization.overlay().relativize(text.path()).toString().replace('\\', '/');
                changes.put(relative, text.result().getBytes(StandardCharsets.UTF_8));
            }
        }
        return changes;
    }

    /** Sets one {@code images:} entry to the pin. */
    private static void pin(YamlText file, Kustomization.ImageEntry entry, ImagePin pin) {
        Map<String, String> afterName = new LinkedHashMap<>();
        Optional<NodeTuple> newName = entry.get("newName");
        if (newName.isPresent()) {
            set(file, newName.get(), pin.newName());
        } else if (!pin.newName().equals(pin.name())) {
            afterName.put("newName", pin.newName());
        }
        Optional<NodeTuple> digest = entry.get("digest");
        Optional<NodeTuple> newTag = entry.get("newTag");
        if (digest.isPresent()) {
            set(file, digest.get(), pin.digest());
            // kustomize renders name:tag@digest when both are set; the digest alone pins the image, as
            // `kustomize edit set image NAME=REF@sha256:...` leaves it.
            newTag.ifPresent(t -> file.remove(entry.node(), entry.indexOf("newTag")));
        } else if (newTag.isPresent()) {
            // The tag's line becomes the digest's: the smallest edit, in the place the reader looks.
            file.replace((ScalarNode) newTag.get().getKeyNode(), "digest");
            set(file, newTag.get(), pin.digest());
        } else if (newName.isPresent()) {
            file.insertAfter(entry.node(), entry.indexOf("newName"), Map.of("digest", pin.digest()));
        } else {
            afterName.put("digest", pin.digest());
        }
        file.insertAfter(entry.node(), entry.indexOf("name"), afterName);
    }

    private static void set(YamlText file, NodeTuple tuple, String value) {
        if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
            throw new OverlayException(file.name(), file.line(tuple.getValueNode()),
                    ((ScalarNode) tuple.getKeyNode()).getValue() + " is not a single value",
                    "write it as one value, e.g. digest: sha256:<64 hex>");
        }
        if (YamlText.isEmpty(scalar)) {
            file.setEmpty(tuple, value);
        } else if (!scalar.getValue().equals(value)) {
            file.replace(scalar, value);
        }
    }

    private void addOrRefuse(Kustomization kustomization, List<ImagePin> missing) {
        YamlText file = kustomization.file();
        if (!addMissing) {
            List<String> mentioned = kustomization.mentionedImages();
            throw new OverlayException(file.name(), 0,
                    "does not mention image " + missing.stream().map(ImagePin::name).collect(Collectors.joining(", "))
                            + (mentioned.isEmpty() ? " (it mentions no image)"
                                    : " (it mentions " + String.join(", ", mentioned) + ")"),
                    "give the image's name as the overlay's resources write it (kustomize images[].name), "
                            + "or use --add-missing (promoteOverlay's addMissing: true) to add it to images:");
        }
        List<Map<String, String>> items = new ArrayList<>();
        for (ImagePin pin : missing) {
            Map<String, String> item = new LinkedHashMap<>();
            item.put("name", pin.name());
            if (!pin.newName().equals(pin.name())) {
                item.put("newName", pin.newName());
            }
            item.put("digest", pin.digest());
            items.add(item);
        }
        Optional<NodeTuple> list = YamlText.entry(kustomization.root(), "images");
        if (list.isPresent() && list.get().getValueNode() instanceof SequenceNode sequence) {
            file.append(sequence, items);
        } else {
            file.addSequence(kustomization.root(), "images", items);
        }
    }

    /**
     * The images the overlay runs now, by digest: its {@code images:} entries, then the container images its patch
     * files set that no entry renames. What a rollback restores and {@code --from ENV} promotes.
     *
     * @throws OverlayException when the overlay cannot be read, or an image is pinned by tag only or set to two
     *                          different digests (unchecked, so that {@code OverlayEditor::current} is a function)
     */
    public static List<ImagePin> current(Path overlay) {
        Kustomization kustomization;
        try {
            kustomization = Kustomization.read(overlay);
        } catch (IOException e) {
            String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : overlay.toString();
            throw new OverlayException(file, 0, "cannot be read (" + e.getClass().getSimpleName() + ")",
                    "check that the checkout is complete and readable", e);
        }
        YamlText file = kustomization.file();
        Map<String, ImagePin> pins = new LinkedHashMap<>();
        for (Kustomization.ImageEntry entry : kustomization.images()) {
            Optional<String> digest = YamlText.scalar(entry.node(), "digest");
            if (digest.isEmpty()) {
                Optional<String> tag = YamlText.scalar(entry.node(), "newTag");
                throw new OverlayException(file.name(), entry.line(), "image " + entry.name() + " is not pinned by digest"
                        + tag.map(t -> " (newTag: " + t + ")").orElse(""),
                        "promote it by digest once; from then on its digest can be read back");
            }
            String newName = YamlText.scalar(entry.node(), "newName").orElse(entry.name());
            pins.put(entry.name(), readPin(file, entry.line(), entry.name(), newName, digest.get()));
        }
        for (Kustomization.ContainerImage container : kustomization.containerImages()) {
            String repository = container.repository();
            if (kustomization.image(repository).isPresent()) {
                continue; // the images: entry decides what runs
            }
            int line = container.file().line(container.node());
            String digest = container.digest().orElseThrow(() -> new OverlayException(container.file().name(), line,
                    "image " + container.reference() + " is not pinned by digest",
                    "promote it by digest once; from then on its digest can be read back"));
            ImagePin pin = readPin(container.file(), line, repository, repository, digest);
            ImagePin before = pins.putIfAbsent(repository, pin);
            if (before != null && !before.digest().equals(pin.digest())) {
                throw new OverlayException(container.file().name(), line, "image " + repository
                        + " runs two digests in this overlay, " + before.digest() + " and " + pin.digest(),
                        "promote one digest for it");
            }
        }
        return List.copyOf(pins.values());
    }

    private static ImagePin readPin(YamlText file, int line, String name, String newName, String digest) {
        try {
            return new ImagePin(name, newName, digest);
        } catch (IllegalArgumentException e) {
            throw new OverlayException(file.name(), line, e.getMessage(), "write digest: sha256:<64 hex>", e);
        }
    }
}
