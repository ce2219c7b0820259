package io.jenkins.plugins.securedelivery.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

    static final String DIGEST = "sha256:" + "ab".repeat(32);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "nginx,                                 docker.io/library/nginx:latest",
            "nginx:1.25,                            docker.io/library/nginx:1.25",
            "bitnami/nginx,                         docker.io/bitnami/nginx:latest",
            "docker.io/nginx,                       docker.io/library/nginx:latest",
            "index.docker.io/library/nginx:1,       docker.io/library/nginx:1",
            "localhost/app,                         localhost/app:latest",
            "localhost:5000/app:1.0,                localhost:5000/app:1.0",
            "registry.example/org/team/app:v1.2.3,  registry.example/org/team/app:v1.2.3",
            "127.0.0.1:5000/demo/app:1.0,           127.0.0.1:5000/demo/app:1.0",
            "[::1]:5000/app:1,                      [::1]:5000/app:1",
            "localhost:5000/app@" + "sha256:abababababababababababababababababababababababababababababababab,"
                    + "localhost:5000/app@sha256:abababababababababababababababababababababababababababababababab",
    })
    void normalisesAsDockerDoes(String input, String normalised) {
        ImageReference reference = ImageReference.parse(input);

        assertThat(reference).hasToString(normalised);
        assertThat(ImageReference.parse(reference.toString())).isEqualTo(reference);
    }

    @Test
    void splitsRegistryRepositoryTagAndDigest() {
        ImageReference reference = ImageReference.parse("registry.example:8443/org/app:1.0@" + DIGEST);

        assertThat(reference.registry()).isEqualTo("registry.example:8443");
        assertThat(reference.repository()).isEqualTo("org/app");
        assertThat(reference.tag()).isEqualTo("1.0");
        assertThat(reference.digest()).isEqualTo(DIGEST);
        assertThat(reference.isDigest()).isTrue();
        assertThat(reference.manifestReference()).as("the digest wins").isEqualTo(DIGEST);
    }

    @Test
    void aFirstSegmentWithoutDotColonOrLocalhostIsARepositoryOnDockerHub() {
        ImageReference reference = ImageReference.parse("myorg/app:1");

        assertThat(reference.registry()).isEqualTo("docker.io");
        assertThat(reference.repository()).isEqualTo("myorg/app");
    }

    @Test
    void pinsToADigestAndMovesToATag() {
        ImageReference tagged = ImageReference.parse("localhost:5000/app:1.0");

        assertThat(tagged.isDigest()).isFalse();
        assertThat(tagged.withDigest(DIGEST)).hasToString("localhost:5000/app@" + DIGEST);
        assertThat(tagged.withDigest(DIGEST).withTag("sha256-" + "ab".repeat(32) + ".sig"))
                .hasToString("localhost:5000/app:sha256-" + "ab".repeat(32) + ".sig");
        assertThat(tagged.repositoryReference()).isEqualTo(new ImageReference("localhost:5000", "app", null, null));
        assertThat(tagged.name()).isEqualTo("localhost:5000/app");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "nginx@sha256:abc                      | must be sha256:<64 lowercase hex>",
            "nginx@md5:0123456789abcdef             | must be sha256:<64 lowercase hex>",
            "nginx:-bad                             | the tag '-bad'",
            "nginx:" + "t" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | must be 1-128",
            "Registry.example/App:1                 | must be lowercase",
            "localhost:5000/app//x:1                | the repository component ''",
            "localhost:5000/app-:1                  | the repository component 'app-'",
            "localhost:5000/:1                      | the repository",
    })
    void rejectsMalformedReferencesNamingTheInputAndThePart(String input, String problem) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + input + "'").hasMessageContaining(problem);
    }

    @Test
    void anEmptyReferenceSaysWhatAReferenceLooksLike() {
        assertThatThrownBy(() -> ImageReference.parse(" ")).hasMessageContaining("registry.example/org/app:1.0");
    }
}
