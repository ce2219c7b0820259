package io.jenkins.plugins.securedelivery.sbom.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.sbom.FileTree;
import io.jenkins.plugins.securedelivery.sbom.LockFiles;
import io.jenkins.plugins.securedelivery.sbom.FoundPackage;
import io.jenkins.plugins.securedelivery.sbom.Inventory;
import io.jenkins.plugins.securedelivery.sbom.ScanContext;
import io.jenkins.plugins.securedelivery.sbom.SbomInputException;
import io.jenkins.plugins.securedelivery.sbom.Scanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclonedx.model.Component;

/**
 * Pipenv's {@code Pipfile.lock}: {@code default} packages are {@code REQUIRED}, {@code develop} ones {@code OPTIONAL}
 * (a package in both is required). The lock file is flat: it records no edges. Direct dependencies are those the
 * {@code Pipfile} beside it names; without it, every locked package.
 */
public final class PipfileLockScanner implements Scanner {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean reads(FileTree tree, String path) {
        return LockFiles.fileName(path).equals("Pipfile.lock");
    }

    /** The Pipfile, which names the direct dependencies. */
    @Override
    public boolean consults(String path) {
        return LockFiles.fileName(path).equals("Pipfile");
    }

    @Override
    public Inventory scan(FileTree tree, String path, ScanContext context) throws IOException {
        JsonNode lock = LockFiles.readObject(tree, path, JSON, PythonPackages.LIMIT);
        if (!lock.has("default") && !lock.has("develop")) {
            throw new SbomInputException(path, 0, "the file has neither \"default\" nor \"develop\" packages: it is not a Pipfile.lock",
                    "regenerate it with `pipenv lock`");
        }
        Map<String, FoundPackage> packages = new LinkedHashMap<>();
        Map<String, String> refsByName = new LinkedHashMap<>();
        for (String section : List.of("default", "develop")) {
            Component.Scope scope = section.equals("default") ? Component.Scope.REQUIRED : Component.Scope.OPTIONAL;
            lock.path(section).fields().forEachRemaining(entry -> {
                String name = entry.getKey();
                String version = entry.getValue().path("version").asText("");
                if (!version.startsWith("==") || version.contains("*")) {
                    context.gap(path, 0, "the package " + name + " in \"" + section + "\" is not pinned to one version"
                                    + " (a VCS, path or editable requirement)",
                            "pin it to a released version in the Pipfile and run `pipenv lock`");
                    return;
                }
                List<String> digests = new ArrayList<>();
                entry.getValue().path("hashes").forEach(hash -> {
                    if (hash.asText().startsWith("sha256:")) {
                        digests.add(hash.asText().substring("sha256:".length()));
                    }
                });
                FoundPackage found = new FoundPackage(PythonPackages.purl(path, name, version.substring(2).trim()),
                        Component.Type.LIBRARY, scope, PythonPackages.hashes(digests), List.of(), path);
                packages.putIfAbsent(found.ref(), found); // "default" comes first: required wins
                refsByName.putIfAbsent(PythonPackages.normalize(name), found.ref());
            });
        }
        Set<String> direct = new LinkedHashSet<>(refsByName.values());
        String pipfile = LockFiles.directoryOf(path) + "Pipfile";
        if (Collections.binarySearch(tree.files(), pipfile) >= 0) {
            JsonNode manifest = LockFiles.readObject(tree, pipfile, PoetryLockScanner.TOML, PythonPackages.LIMIT);
            direct.clear();
            for (String table : List.of("packages", "dev-packages")) {
                manifest.path(table).fieldNames().forEachRemaining(name -> {
                    String ref = refsByName.get(PythonPackages.normalize(name));
                    if (ref != null) {
                        direct.add(ref); // a package for other markers (pathlib2 on Python 2) is not locked
                    }
                });
            }
        }
        return new Inventory("pypi", path, new ArrayList<>(packages.values()), direct, Map.of());
    }
}
