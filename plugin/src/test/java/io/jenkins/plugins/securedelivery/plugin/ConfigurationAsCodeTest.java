package io.jenkins.plugins.securedelivery.plugin;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.Util;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.jenkins.plugins.casc.model.CNode;
import io.jenkins.plugins.securedelivery.plugin.config.Environment;
import io.jenkins.plugins.securedelivery.plugin.config.NotificationWebhook;
import io.jenkins.plugins.securedelivery.plugin.config.SecureDeliveryConfiguration;
import io.jenkins.plugins.securedelivery.plugin.config.SigningProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void configuresEnvironmentsRegistriesSigningPrometheusAndWebhooksFromYaml(JenkinsConfiguredWithCodeRule j) {
        // given the controller configured from configuration-as-code.yml
        SecureDeliveryConfiguration config = SecureDeliveryConfiguration.get();

        // then every part of it is there, by name
        Environment staging = config.environment("staging").orElseThrow();
        assertThat(staging.getRepository(), is("https://git.example.com/org/gitops.git"));
        assertThat(staging.getCredentialsId(), is("gitops-bot"));
        assertThat(staging.getCanaryFailureLimit(), is(2));
        assertThat(staging.getApprovalSigningProfile(), is("release"));
        assertThat(staging.getPromotionMode(), is(Environment.PromotionMode.PUSH));
        assertThat(config.environment("prod").orElseThrow().getPromotionMode(), is(Environment.PromotionMode.PULL_REQUEST));
        assertThat(config.registry("localhost:5000").orElseThrow().isPlainHttp(), is(true));
        assertThat(config.registry("REGISTRY.example.com").orElseThrow().getCredentialsId(), is("registry-bot"));
        SigningProfile keyless = config.signingProfile("keyless").orElseThrow();
        assertThat(keyless.isKeyless(), is(true));
        assertThat(config.signingProfile("release").orElseThrow().isKeyless(), is(false));
        assertThat(config.prometheusEndpoint("cluster").orElseThrow().getUrl(), is("http://prometheus.monitoring:9090"));
        assertThat(config.getWebhooks().get(0).getKind(), is(NotificationWebhook.Kind.SLACK));
    }

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void exportsTheSameYamlItWasConfiguredFrom(JenkinsConfiguredWithCodeRule j) throws Exception {
        // given the controller configured from configuration-as-code.yml
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());

        // when JCasC exports the secureDelivery section
        CNode exported = Util.getUnclassifiedRoot(context).get("secureDelivery");

        // then it is the section that was read, value for value
        Map<String, Map<String, Object>> input = new Yaml().load(Util.toStringFromYamlFile(this, "configuration-as-code.yml"));
        Object expected = input.get("unclassified").get("secureDelivery");
        Object actual = new Yaml().load(Util.toYamlString(exported));
        assertThat(actual, is(expected));
    }
}
