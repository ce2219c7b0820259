package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.canary.PrometheusEndpoint;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How to authenticate to Prometheus; secrets come from environment variables, never from the command line. */
final class PrometheusOptions {

    @Option(names = "--bearer-token-env", paramLabel = "VAR", description = "Environment variable holding a bearer token for Prometheus.")
    String tokenEnv;

    @Option(names = "--username", paramLabel = "USER", description = "User for basic authentication to Prometheus (with --password-env).")
    String username;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the basic-authentication password.")
    String passwordEnv;

    PrometheusEndpoint endpoint(String url, Duration queryTimeout) {
        PrometheusEndpoint endpoint = PrometheusEndpoint.of(url).withTimeout(queryTimeout);
        if (tokenEnv != null) {
            endpoint = endpoint.withBearerToken(environment("--bearer-token-env", tokenEnv));
        }
        if (username != null || passwordEnv != null) {
            if (username == null || passwordEnv == null) {
                throw new IllegalArgumentException("--username and --password-env go together. Give both, or neither");
            }
            endpoint = endpoint.withBasicAuth(username, environment("--password-env", passwordEnv));
        }
        return endpoint;
    }

    private static String environment(String option, String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(option + ": the environment variable " + variable + " is not set. Export it, or leave the option out");
        }
        return value;
    }
}
