package io.jenkins.plugins.securedelivery.plugin.steps;

import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.securedelivery.oci.ImageReference;
import io.jenkins.plugins.securedelivery.oci.OciLayoutStore;
import io.jenkins.plugins.securedelivery.oci.OciStore;
import io.jenkins.plugins.securedelivery.oci.RegistryStore;
import io.jenkins.plugins.securedelivery.plugin.config.Registry;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * How the agent reaches an image: an OCI image layout directory in the workspace, or a registry as the global
 * configuration describes it (credentials already resolved on the controller). Its {@code toString()} hides the password.
 */
record RegistryAccess(String ociLayout, boolean plainHttp, String caCertificate, String username, String password)
        implements Serializable {

    static RegistryAccess forImage(Run<?, ?> run, String image, String ociLayout) throws AbortException {
        if (ociLayout != null) {
            return new RegistryAccess(ociLayout, false, null, null, null);
        }
        String host = reference(image).registry();
        Registry registry = SecureDeliveryConfiguration.get().registry(host).orElse(null);
        if (registry == null) {
            return new RegistryAccess(null, false, null, null, null);
        }
        String username = null;
        String password = null;
        if (registry.getCredentialsId() != null) {
            StandardUsernamePasswordCredentials c = StepCredentials.usernamePassword(run, registry.getCredentialsId(), "registry " + host);
            username = c.getUsername();
            password = c.getPassword().getPlainText();
        }
        return new RegistryAccess(null, registry.isPlainHttp(), registry.getCaCertificate(), username, password);
    }

    static ImageReference reference(String image) throws AbortException {
        try {
            return ImageReference.parse(image);
        } catch (IllegalArgumentException e) {
            throw new AbortException("image '" + image + "': " + e.getMessage()
                    + "; give a reference such as registry.example.com/team/app:1.0 or .../app@sha256:<hex>");
        }
    }

    /** Opens the store on the agent; a CA bundle is read while the store is made, so its file does not outlive this call. */
    OciStore open(File workspace) throws IOException {
        if (ociLayout != null) {
            return new OciLayoutStore(workspace.toPath().resolve(ociLayout));
        }
        RegistryStore.Options options = RegistryStore.Options.defaults();
        if (plainHttp) {
            options = options.withPlainHttp();
        }
        if (username != null) {
            options = options.withCredentials(username, password);
        }
        if (caCertificate == null) {
            return new RegistryStore(options);
        }
        try (SecretFiles files = new SecretFiles()) {
            Path ca = files.write("registry-ca.pem", caCertificate);
            return new RegistryStore(options.withCaFile(ca));
        }
    }

    @Override
    public String toString() {
        return ociLayout != null ? "OCI layout " + ociLayout
                : "registry (plainHttp=" + plainHttp + ", user=" + username + ", password " + (password == null ? "none" : "hidden") + ")";
    }
}
