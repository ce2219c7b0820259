package io.jenkins.plugins.securedelivery.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bearer challenge flow against docker-registry's token auth, with a token endpoint started beside it. */
class RegistryBearerTokenTest {

    static final String USER = "ci-robot";
    static final String PASSWORD = "token-Pa55word";

    @TempDir
    static Path temp;
    static LocalRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.plainHttpWithBearerTokens(temp.resolve("registry"), USER, PASSWORD);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void followsTheChallengeToTheTokenEndpointAndReusesTheTokenForTheRepository() throws Exception {
        RegistryStore store = new RegistryStore(registry.options().withCredentials(USER, PASSWORD));
        SampleImage image = SampleImage.ofDemoApp();
        ImageReference reference = registry.reference("tokens/app:1.0");

        image.pushTo(store, reference);
        int tokensForPush = registry.tokensIssued();
        Descriptor resolved = store.resolve(reference);

        assertThat(resolved.digest()).isEqualTo(image.digest());
        assertThat(tokensForPush).as("one pull,push token for the whole push").isEqualTo(1);
        assertThat(registry.tokensIssued()).as("the same token serves the resolve").isEqualTo(1);
        assertThat(store.manifest(reference.withDigest(resolved.digest())).orElseThrow().bytes()).isEqualTo(image.manifest());
    }

    @Test
    void withoutCredentialsAnAnonymousTokenIsAskedForAndItsRefusalSaysCredentialsAreNeeded() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());

        assertThatThrownBy(() -> store.resolve(registry.reference("tokens/app:1.0")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("needs credentials");
        assertThat(store.requests()).as("challenge, token request").isEqualTo(2);
    }

    @Test
    void aTokenEndpointRefusingTheCredentialsIsA401WithoutThePassword() throws Exception {
        String wrong = "wrong-Token-Password";
        RegistryStore store = new RegistryStore(registry.options().withCredentials(USER, wrong));

        assertThatThrownBy(() -> store.resolve(registry.reference("tokens/app:1.0")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("refused the credentials of user '" + USER + "'")
                .message().doesNotContain(wrong);
    }
}
