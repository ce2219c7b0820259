package io.jenkins.plugins.securedelivery.plugin.steps;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsDescriptor;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Credentials a step uses, looked up in the run's context (folder and job credentials, credential parameters) and
 * tracked: the credential's fingerprint records the run, once per run and credential.
 */
final class StepCredentials {

    /**
     * Credentials already tracked for a running build. Tracking serializes the credential with XStream to hash it and
     * rewrites its fingerprint file on every call, though a second call for the same run adds nothing: a Jenkinsfile
     * that signs twenty images would pay it forty times. Weak keys: a finished run's entry goes with the run.
     */
    private static final Map<Run<?, ?>, Set<Credentials>> TRACKED = Collections.synchronizedMap(new WeakHashMap<>());

    private StepCredentials() {
    }

    /** Tracks {@code credentials} for {@code run} unless this very instance already was; a changed credential is a new instance. */
    static <C extends Credentials> C track(Run<?, ?> run, C credentials) {
        Set<Credentials> tracked = TRACKED.computeIfAbsent(run, r -> Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>())));
        if (tracked.add(credentials)) {
            CredentialsProvider.track(run, credentials);
        }
        return credentials;
    }

    static <C extends IdCredentials> C find(Run<?, ?> run, String id, Class<C> type, String purpose) throws AbortException {
        C found = CredentialsProvider.findCredentialById(id, type, run);
        if (found == null) {
            throw missing(run, id, purpose, List.of(type));
        }
        return track(run, found);
    }

    /** The first of the kinds that has a credential with this id. */
    @SafeVarargs
    static IdCredentials findAny(Run<?, ?> run, String id, String purpose, Class<? extends IdCredentials>... kinds) throws AbortException {
        for (Class<? extends IdCredentials> kind : kinds) {
            IdCredentials found = CredentialsProvider.findCredentialById(id, kind, run);
            if (found != null) {
                return track(run, found);
            }
        }
        throw missing(run, id, purpose, List.of(kinds));
    }

    /**
     * Why no credential of the kinds asked for has this id: there is one of another kind (which only its descriptor's
     * display name describes, never its content), or none at all. The one of another kind is not tracked: it is not used.
     */
    private static AbortException missing(Run<?, ?> run, String id, String purpose, List<Class<? extends IdCredentials>> kinds) {
        IdCredentials other = CredentialsProvider.findCredentialById(id, IdCredentials.class, run);
        if (other != null) {
            return new AbortException("credentials '" + id + "' (" + purpose + ") are a " + other.getDescriptor().getDisplayName()
                    + " credential, but the " + purpose + " must be a " + kindNames(kinds) + " credential: store it as one under that id, "
                    + "or give the id of one that is");
        }
        return new AbortException("credentials '" + id + "' (" + purpose + ") were not found for " + run.getParent().getFullName()
                + ": add a " + kindNames(kinds) + " credential with that id in the job's folder or globally");
    }

    /** The kinds as the credentials page names them ("Secret file"): the display names of the installed kinds that are one. */
    private static String kindNames(List<Class<? extends IdCredentials>> kinds) {
        Set<String> names = new LinkedHashSet<>();
        for (Class<? extends IdCredentials> kind : kinds) {
            List<String> installed = CredentialsProvider.allCredentialsDescriptors().stream().filter(d -> kind.isAssignableFrom(d.clazz))
                    .map(CredentialsDescriptor::getDisplayName).toList();
            names.addAll(installed.isEmpty() ? List.of(kind.getSimpleName()) : installed);
        }
        return String.join(" or ", names);
    }

    static StandardUsernamePasswordCredentials usernamePassword(Run<?, ?> run, String id, String purpose) throws AbortException {
        return find(run, id, StandardUsernamePasswordCredentials.class, purpose);
    }

    static String secretText(Run<?, ?> run, String id, String purpose) throws AbortException {
        return find(run, id, StringCredentials.class, purpose).getSecret().getPlainText();
    }

    static byte[] content(FileCredentials file) throws IOException {
        try (InputStream in = file.getContent()) {
            return in.readAllBytes();
        }
    }

    static SSHUserPrivateKey sshKey(Run<?, ?> run, String id, String purpose) throws AbortException {
        return find(run, id, SSHUserPrivateKey.class, purpose);
    }
}
