package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.oci.OciStore;
import io.jenkins.plugins.securedelivery.oci.RegistryStore;
import io.jenkins.plugins.securedelivery.signing.SigningInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the image lives: a registry (TLS by default) or an OCI image layout directory; shared by sign, attest, verify. */
final class RegistryOptions {

    @Option(names = "--oci-layout", paramLabel = "DIR",
            description = "Use an OCI image layout directory as the registry; IMAGE's tag names the image in it.")
    Path ociLayout;

    @Option(names = "--plain-http", description = "Reach the registry without TLS (a loopback test registry), as ORAS does.")
    boolean plainHttp;

    @Option(names = "--registry-ca", paramLabel = "FILE", description = "Trust this CA (PEM) for the registry's TLS certificate.")
    Path caFile;

    @Option(names = "--registry-username", paramLabel = "USER", description = "Registry user for basic or token authentication.")
    String username;

    @Option(names = "--registry-password-env", paramLabel = "VAR", description = "Environment variable holding the registry password or token.")
    String passwordEnv;

    @Option(names = "--registry-password-file", paramLabel = "FILE", description = "File holding the registry password or token.")
    Path passwordFile;

    OciStore open() throws IOException {
        if (ociLayout != null) {
            return new OciLayoutStore(ociLayout);
        }
        RegistryStore.Options options = RegistryStore.Options.defaults();
        if (plainHttp) {
            options = options.withPlainHttp();
        }
        if (caFile != null) {
            options = options.withCaFile(caFile);
        }
        if (username != null) {
            options = options.withCredentials(username, password());
        }
        return new RegistryStore(options);
    }

    private String password() throws IOException {
        if (passwordEnv != null) {
            String value = System.getenv(passwordEnv);
            if (value == null) {
                throw new SigningInputException("--registry-password-env " + passwordEnv, "the variable is not set",
                        "export it with the registry password or token");
            }
            return value;
        }
        if (passwordFile != null) {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        }
        throw new SigningInputException("--registry-username " + username, "no password was given",
                "add --registry-password-env VAR or --registry-password-file FILE");
    }

    static ImageReference image(String reference) {
        try {
            return ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new SigningInputException(reference, e.getMessage(),
                    "give an image reference such as registry.example.com/team/app:1.0 or .../app@sha256:<hex>");
        }
    }
}
