package io.jenkins.plugins.securedelivery.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RegistryStore against a real docker-registry over TLS (a CA made by the test) with htpasswd basic auth. */
class RegistryTlsAuthTest {

    static final String USER = "ci-robot";
    static final String PASSWORD = "s3cret-Pa55word";

    @TempDir
    static Path temp;
    static LocalRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.tlsWithBasicAuth(temp.resolve("registry"), USER, PASSWORD);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void pushesAndPullsOverTlsTrustingTheGivenCaWithBasicCredentials() throws Exception {
        RegistryStore store = new RegistryStore(registry.options().withCredentials(USER, PASSWORD));
        SampleImage image = SampleImage.ofDemoApp();
        ImageReference reference = registry.reference("secure/app:2.0");

        image.pushTo(store, reference);
        Descriptor resolved = store.resolve(reference);

        assertThat(resolved.digest()).isEqualTo(image.digest());
        assertThat(store.manifest(reference.withDigest(resolved.digest())).orElseThrow().bytes()).isEqualTo(image.manifest());
    }

    @Test
    void sendsCredentialsOnlyAfterTheFirstChallengeThenWithEveryRequest() throws Exception {
        RegistryStore store = new RegistryStore(registry.options().withCredentials(USER, PASSWORD));
        ImageReference reference = registry.reference("secure/blobs:1");

        store.pushBlob(reference, new byte[] {1});
        long afterFirst = store.requests();
        store.pushBlob(reference, new byte[] {2});

        assertThat(afterFirst).as("401 challenge, POST, PUT").isEqualTo(3);
        assertThat(store.requests() - afterFirst).as("POST, PUT with credentials, no new challenge").isEqualTo(2);
    }

    @Test
    void aWrongPasswordIsRefusedWith401NamingTheUserButNeverThePassword() throws Exception {
        String wrong = "not-the-Password-42";
        RegistryStore store = new RegistryStore(registry.options().withCredentials(USER, wrong));

        assertThatThrownBy(() -> store.resolve(registry.reference("secure/app:2.0")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("refused the credentials of user '" + USER + "'")
                .hasMessageContaining("check the username and password")
                .message().doesNotContain(wrong).doesNotContain(PASSWORD);
        assertThat(store.toString()).doesNotContain(wrong);
    }

    @Test
    void withoutCredentialsTheRegistrySaysCredentialsAreNeeded() throws Exception {
        RegistryStore store = new RegistryStore(registry.options());

        assertThatThrownBy(() -> store.resolve(registry.reference("secure/app:2.0")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("needs credentials").hasMessageContaining("give a username and password");
        assertThat(store.requests()).as("nothing to answer the challenge with: no second try").isEqualTo(1);
    }

    @Test
    void anUntrustedCertificateFailsAtOnceSayingWhichCaToGive() throws Exception {
        RegistryStore store = new RegistryStore(RegistryStore.Options.defaults().withCredentials(USER, PASSWORD)
                .withRetries(3, Duration.ofMillis(10)));

        assertThatThrownBy(() -> store.resolve(registry.reference("secure/app:2.0")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isZero())
                .hasMessageContaining("TLS with registry " + registry.host()).hasMessageContaining("CA certificate");
        assertThat(store.requests()).as("a TLS failure is not retried").isEqualTo(1);
    }
}
