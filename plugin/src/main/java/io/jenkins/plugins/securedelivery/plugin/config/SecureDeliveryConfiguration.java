package io.jenkins.plugins.securedelivery.plugin.config;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Descriptor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import jenkins.model.GlobalConfiguration;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * The controller-wide settings of Secure Delivery, under {@code unclassified: secureDelivery:} in JCasC: environments,
 * registries, signing profiles, Prometheus endpoints and notification webhooks. Secrets are only ever credential ids.
 */
@Extension
@Symbol("secureDelivery")
public final class SecureDeliveryConfiguration extends GlobalConfiguration {

    private List<Environment> environments = new ArrayList<>();
    private List<Registry> registries = new ArrayList<>();
    private List<SigningProfile> signingProfiles = new ArrayList<>();
    private List<PrometheusEndpoint> prometheusEndpoints = new ArrayList<>();
    private List<NotificationWebhook> webhooks = new ArrayList<>();

    public SecureDeliveryConfiguration() {
        load();
    }

    @Override
    public String getDisplayName() {
        return "Secure Delivery";
    }

    /**
     * The form leaves out a list whose last entry was deleted, and binding sets only what the form holds: cleared
     * first, a list emptied on the page is saved empty instead of keeping its old entries.
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws Descriptor.FormException {
        List<Environment> before = environments;
        environments = new ArrayList<>();
        registries = new ArrayList<>();
        signingProfiles = new ArrayList<>();
        prometheusEndpoints = new ArrayList<>();
        webhooks = new ArrayList<>();
        try {
            req.bindJSON(this, json);
        } catch (IllegalArgumentException e) {
            environments = before;
            load();
            throw new Descriptor.FormException("Secure Delivery: " + e.getMessage(), "environments");
        }
        save();
        return true;
    }

    public static SecureDeliveryConfiguration get() {
        return ExtensionList.lookupSingleton(SecureDeliveryConfiguration.class);
    }

    public List<Environment> getEnvironments() {
        return List.copyOf(environments);
    }

    /**
     * Refuses, naming the environment and the field, an environment without name or repository, a name given twice,
     * or a policy that does not parse (JCasC reports the message and applies nothing; the form shows it).
     */
    @DataBoundSetter
    public void setEnvironments(List<Environment> environments) {
        List<Environment> checked = copy(environments);
        Set<String> names = new HashSet<>();
        for (Environment environment : checked) {
            String problem = environment.problem();
            if (problem != null) {
                throw new IllegalArgumentException("secureDelivery.environments: " + problem);
            }
            if (!names.add(environment.getName())) {
                throw new IllegalArgumentException("secureDelivery.environments: environment '" + environment.getName()
                        + "' is configured twice: steps could not tell which one they name; give each environment a different name");
            }
        }
        this.environments = checked;
        save();
    }

    public List<Registry> getRegistries() {
        return List.copyOf(registries);
    }

    @DataBoundSetter
    public void setRegistries(List<Registry> registries) {
        this.registries = copy(registries);
        save();
    }

    public List<SigningProfile> getSigningProfiles() {
        return List.copyOf(signingProfiles);
    }

    @DataBoundSetter
    public void setSigningProfiles(List<SigningProfile> signingProfiles) {
        this.signingProfiles = copy(signingProfiles);
        save();
    }

    public List<PrometheusEndpoint> getPrometheusEndpoints() {
        return List.copyOf(prometheusEndpoints);
    }

    @DataBoundSetter
    public void setPrometheusEndpoints(List<PrometheusEndpoint> prometheusEndpoints) {
        this.prometheusEndpoints = copy(prometheusEndpoints);
        save();
    }

    public List<NotificationWebhook> getWebhooks() {
        return List.copyOf(webhooks);
    }

    @DataBoundSetter
    public void setWebhooks(List<NotificationWebhook> webhooks) {
        this.webhooks = copy(webhooks);
        save();
    }

    public Optional<Environment> environment(String name) {
        return environments.stream().filter(e -> e.getName() != null && e.getName().equals(name)).findFirst();
    }

    /** The registry an image reference's registry part (host[:port]) names. */
    public Optional<Registry> registry(String host) {
        return registries.stream().filter(r -> r.serves(host)).findFirst();
    }

    public Optional<SigningProfile> signingProfile(String name) {
        return signingProfiles.stream().filter(p -> p.getName() != null && p.getName().equals(name)).findFirst();
    }

    public Optional<PrometheusEndpoint> prometheusEndpoint(String name) {
        return prometheusEndpoints.stream().filter(p -> p.getName() != null && p.getName().equals(name)).findFirst();
    }

    private static <T> List<T> copy(List<T> items) {
        return items == null ? new ArrayList<>() : new ArrayList<>(items);
    }
}
