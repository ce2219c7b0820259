package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import io.jenkins.plugins.securedelivery.signing.SigningInputException;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessSigner;
import io.jenkins.plugins.securedelivery.signing.keyless.OidcTokenSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Who signs: a key file (PEM or cosign's encrypted key), or keyless through a private Fulcio and Rekor. */
final class SignerOptions {

    @Option(names = "--key", paramLabel = "FILE", description = "Signing key: cosign.key (encrypted) or a PEM EC P-256 key (PKCS#8 or SEC1).")
    Path key;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the key's password. Default: COSIGN_PASSWORD when set.")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the key's password.")
    Path passwordFile;

    @Option(names = "--keyless", description = "Sign with a short-lived Fulcio certificate for an OIDC identity, logged in Rekor.")
    boolean keyless;

    @Option(names = "--trusted-root", paramLabel = "FILE", description = "Keyless: the Sigstore trusted_root.json of your deployment.")
    Path trustedRoot;

    @Option(names = "--signing-config", paramLabel = "FILE", description = "Keyless: the Sigstore signing_config.json naming your Fulcio, Rekor (and TSA).")
    Path signingConfig;

    @Option(names = "--identity-token-file", paramLabel = "FILE", description = "Keyless: the OIDC token file (e.g. a projected Kubernetes service-account token), re-read on each use.")
    Path tokenFile;

    @Option(names = "--identity-token-env", paramLabel = "VAR", description = "Keyless: environment variable holding the OIDC token.")
    String tokenEnv;

    boolean isKeyless() {
        if (keyless == (key != null)) {
            throw new SigningInputException("--key / --keyless", keyless ? "both were given" : "neither was given",
                    "sign either with --key FILE or with --keyless --trusted-root FILE --signing-config FILE --identity-token-file FILE");
        }
        return keyless;
    }

    SigningKey signingKey() {
        return readKey(key, passwordEnv, passwordFile);
    }

    /** The key file read with the password from {@code passwordEnv}, {@code passwordFile} or COSIGN_PASSWORD, as cosign does. */
    static SigningKey readKey(Path key, String passwordEnv, Path passwordFile) {
        PasswordSource password = passwordEnv != null ? PasswordSource.environment(passwordEnv)
                : passwordFile != null ? PasswordSource.file(passwordFile)
                : System.getenv("COSIGN_PASSWORD") != null ? PasswordSource.environment("COSIGN_PASSWORD")
                : PasswordSource.none();
        return KeyFiles.readSigningKey(key, password);
    }

    KeylessSigner keylessSigner() {
        if (trustedRoot == null || signingConfig == null) {
            throw new SigningInputException("--keyless", "a private Sigstore needs --trusted-root and --signing-config",
                    "give both files of your Sigstore deployment");
        }
        if ((tokenFile == null) == (tokenEnv == null)) {
            throw new SigningInputException("--keyless", "give exactly one of --identity-token-file and --identity-token-env",
                    "point at the OIDC token, e.g. /var/run/secrets/tokens/sigstore");
        }
        OidcTokenSource token = tokenFile != null ? OidcTokenSource.file(tokenFile) : OidcTokenSource.environment(tokenEnv);
        return KeylessSigner.create(trustedRoot, signingConfig, token);
    }
}
