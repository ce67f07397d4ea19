package io.postbridge.auth.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.authentication.NoAuthenticationFilter;
import org.apache.james.webadmin.mdc.LoggingRequestFilter;
import org.apache.james.webadmin.utils.JsonTransformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * Route classes on James's own WebAdmin server (free port, no authentication), on core's real services (the store on
 * H2 in a temporary folder): what an operator sends and what comes back, without starting a whole James.
 */
final class WebAdminOnTheRealStore implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final PostbridgeBackend backend;
    private final WebAdminServer server;
    private final String base;

    private WebAdminOnTheRealStore(PostbridgeBackend backend, WebAdminServer server) {
        this.backend = backend;
        this.server = server;
        this.base = "http://127.0.0.1:" + server.getPort().getValue();
    }

    /** The routes made from core's services, with these postbridge.properties (none: the defaults). */
    static WebAdminOnTheRealStore start(Path home, Map<String, String> properties,
                                        Function<PostbridgeBackend, List<Routes>> routes) throws Exception {
        PostbridgeBackend backend = PostbridgeBackend.start(PostbridgeSettings.from(properties, home), Map.of(), Clock.systemUTC(),
            PostbridgeBackend.noMicrosoft());
        WebAdminServer server = new WebAdminServer(WebAdminConfiguration.TEST_CONFIGURATION, routes.apply(backend),
            new NoAuthenticationFilter(), new RecordingMetricFactory(), LoggingRequestFilter.create()) { };
        server.start();
        return new WebAdminOnTheRealStore(backend, server);
    }

    static JsonTransformer json() {
        return new JsonTransformer();
    }

    PostbridgeBackend backend() {
        return backend;
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
            .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a 200 answer. */
    JsonNode json(String method, String path) throws Exception {
        HttpResponse<String> response = send(method, path, "");
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** James's error answer: the status, in the body too, and a message containing {@code messagePart}. */
    static void assertError(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("statusCode").asInt()).as(response.body()).isEqualTo(status);
        assertThat(error.path("message").asText()).contains(messagePart);
    }

    @Override
    public void close() {
        server.destroy();
        backend.close();
    }
}
