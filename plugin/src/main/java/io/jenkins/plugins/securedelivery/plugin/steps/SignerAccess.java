package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import io.jenkins.plugins.securedelivery.plugin.config.SigningProfile;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessSigner;
import io.jenkins.plugins.securedelivery.signing.keyless.OidcTokenSource;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;

/**
 * Who signs, resolved on the controller: a key (the bytes of a secret file credential and its password), or keyless
 * (files of a private Sigstore on the agent and an OIDC token). Its {@code toString()} shows no key, password or token.
 */
record SignerAccess(String keyName, byte[] key, char[] password, String trustedRoot, String signingConfig,
                    String identityTokenFile, String identityToken) implements Serializable {

    private static final String TOKEN_VARIABLE = "SIGSTORE_ID_TOKEN";

    /** From a step's {@code credentialsId} and {@code passwordCredentialsId}, else from its signing profile. */
    static SignerAccess resolve(Run<?, ?> run, String credentialsId, String passwordCredentialsId, String profileName) throws IOException {
        if (credentialsId != null) {
            return key(run, credentialsId, passwordCredentialsId);
        }
        if (profileName == null) {
            throw new AbortException("no signer was given: add credentialsId: '<secret file with cosign.key>' "
                    + "(and passwordCredentialsId: '<secret text>'), or profile: '<a signing profile of the global configuration>'");
        }
        SigningProfile profile = SecureDeliveryConfiguration.get().signingProfile(profileName).orElseThrow(() -> new AbortException(
                "signing profile '" + profileName + "' is not in the global configuration (secureDelivery.signingProfiles): "
                        + "add it, or give credentialsId: instead"));
        if (!profile.isKeyless()) {
            return key(run, profile.getKeyCredentialsId(), profile.getPasswordCredentialsId());
        }
        if (profile.getTrustedRoot() == null || profile.getSigningConfig() == null) {
            throw new AbortException("signing profile '" + profileName + "' is keyless but lacks trustedRoot or signingConfig: "
                    + "give both files of your Sigstore deployment, or a keyCredentialsId");
        }
        if ((profile.getIdentityTokenFile() == null) == (profile.getIdentityTokenCredentialsId() == null)) {
            throw new AbortException("signing profile '" + profileName + "' needs exactly one OIDC token source: "
                    + "identityTokenFile (a file on the agent) or identityTokenCredentialsId (secret text)");
        }
        String token = profile.getIdentityTokenCredentialsId() == null ? null
                : StepCredentials.secretText(run, profile.getIdentityTokenCredentialsId(), "OIDC token of signing profile " + profileName);
        return new SignerAccess(null, null, null, profile.getTrustedRoot(), profile.getSigningConfig(), profile.getIdentityTokenFile(), token);
    }

    private static SignerAccess key(Run<?, ?> run, String credentialsId, String passwordCredentialsId) throws IOException {
        FileCredentials file = StepCredentials.find(run, credentialsId, FileCredentials.class, "signing key");
        char[] password = passwordCredentialsId == null ? null
                : StepCredentials.secretText(run, passwordCredentialsId, "signing key password").toCharArray();
        return new SignerAccess("credentials '" + credentialsId + "' (" + file.getFileName() + ")", StepCredentials.content(file),
                password, null, null, null, null);
    }

    boolean keyless() {
        return key == null;
    }

    SigningKey signingKey() {
        return KeyFiles.readSigningKey(keyName, key, password == null ? PasswordSource.none() : PasswordSource.of(password.clone()));
    }

    KeylessSigner keylessSigner(File workspace) {
        Path base = workspace.toPath();
        OidcTokenSource token = identityTokenFile != null ? OidcTokenSource.file(base.resolve(identityTokenFile))
                : OidcTokenSource.environment(TOKEN_VARIABLE, Map.of(TOKEN_VARIABLE, identityToken));
        return KeylessSigner.create(base.resolve(trustedRoot), base.resolve(signingConfig), token);
    }

    @Override
    public String toString() {
        return keyless() ? "keyless signer (trusted root " + trustedRoot + ")" : "key " + keyName + " (hidden)";
    }
}
