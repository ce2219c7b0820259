package io.jenkins.plugins.securedelivery.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads and patches custom resources of one kind through a shared fabric8 client. */
final class KubernetesResources {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PATCH_TIMEOUT_SECONDS = 30;

    private final KubernetesClient client;
    private final ResourceDefinitionContext definition;

    KubernetesResources(KubernetesClient client, String group, String version, String kind, String plural) {
        this.client = client;
        this.definition = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /** The resource as JSON, or null when there is none by that name. */
    JsonNode get(String namespace, String name) {
        GenericKubernetesResource resource = client.genericKubernetesResources(definition).inNamespace(namespace)
                .withName(name).get();
        return resource == null ? null : JSON.valueToTree(resource);
    }

    /**
     * A JSON merge patch, on the {@code status} subresource when {@code status} is true, sent as
     * {@code kubectl argo rollouts} sends it. fabric8 6.x has no typed call for a merge patch of a subresource given
     * as text, so the request is made on the client's own HTTP client (same credentials and TLS settings).
     */
    void mergePatch(String namespace, String name, boolean status, String patch) {
        String path = "apis/" + definition.getGroup() + "/" + definition.getVersion() + "/namespaces/" + namespace + "/"
                + definition.getPlural() + "/" + name + (status ? "/status" : "");
        String base = client.getMasterUrl().toString();
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
                .uri(base.endsWith("/") ? base + path : base + "/" + path)
                .method("PATCH", "application/merge-patch+json", patch).build();
        HttpResponse<String> response;
        try {
            response = client.getHttpClient().sendAsync(request, String.class).get(PATCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while patching " + path, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException("the Kubernetes API did not answer a PATCH of " + path, e);
        }
        if (!response.isSuccessful()) {
            throw new KubernetesClientException("PATCH " + path + " answered HTTP " + response.code(), response.code(), null);
        }
    }

    static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    static JsonNode at(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            if (n == null) {
                return null;
            }
            n = n.get(p);
        }
        return n;
    }

    static Instant time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
