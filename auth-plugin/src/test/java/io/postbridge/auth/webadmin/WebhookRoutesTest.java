package io.postbridge.auth.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.authentication.NoAuthenticationFilter;
import org.apache.james.webadmin.mdc.LoggingRequestFilter;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * {@code /postbridge/webhooks} on James's own WebAdmin server and core's real store (H2): what an operator sends and
 * what comes back. The sender is not started here: deliveries stay pending (sending is tested in core and in James).
 */
class WebhookRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    // nothing listens there; loopback is allow-listed below, as an operator would for an internal receiver
    private static final String URL = "http://127.0.0.1:9/hooks";

    @TempDir
    static Path home;

    private static PostbridgeBackend backend;
    private static WebAdminServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        backend = PostbridgeBackend.start(PostbridgeSettings.from(Map.of(PostbridgeSettings.WEBHOOKS_ALLOWED_TARGETS, "127.0.0.1"), home),
            Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
        server = new WebAdminServer(WebAdminConfiguration.TEST_CONFIGURATION, List.of(new WebhookRoutes(backend.webhooks(), new JsonTransformer())),
            new NoAuthenticationFilter(), new RecordingMetricFactory(), LoggingRequestFilter.create()) { };
        server.start();
        base = "http://127.0.0.1:" + server.getPort().getValue();
    }

    @AfterAll
    static void stop() {
        server.destroy();
        backend.close();
    }

    @Test
    void anEndpointIsSubscribedWithItsSecretShownOnceChangedRotatedAndDeleted() throws Exception {
        HttpResponse<String> created = send("POST", "/postbridge/webhooks",
            "{\"url\":\"" + URL + "\",\"account\":\"erp\",\"eventTypes\":[\"message.bounced\",\"message.delivered\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode endpoint = JSON.readTree(created.body());
        String id = endpoint.path("id").asText();
        String secret = endpoint.path("secret").asText();
        assertThat(id).startsWith("ep_");
        assertThat(secret).startsWith("whsec_");
        assertThat(endpoint.path("account").asText()).isEqualTo("erp");
        assertThat(endpoint.path("eventTypes")).extracting(JsonNode::asText).containsExactly("message.bounced", "message.delivered");

        JsonNode read = json("GET", "/postbridge/webhooks/" + id);
        assertThat(read.has("secret")).isFalse();
        assertThat(read.toString()).doesNotContain(secret.substring(6));
        assertThat(json("GET", "/postbridge/webhooks?account=erp")).extracting(n -> n.path("id").asText()).contains(id);
        assertThat(json("GET", "/postbridge/webhooks?account=other")).isEmpty();

        JsonNode changed = JSON.readTree(send("PUT", "/postbridge/webhooks/" + id, "{\"enabled\":false,\"eventTypes\":[]}").body());
        assertThat(changed.path("enabled").asBoolean()).isFalse();
        assertThat(changed.path("eventTypes")).extracting(JsonNode::asText).containsExactly("*");
        assertThat(changed.path("url").asText()).as("unchanged").isEqualTo(URL);

        JsonNode rotated = JSON.readTree(send("POST", "/postbridge/webhooks/" + id + "/secret", "{\"overlap\":\"2h\"}").body());
        assertThat(rotated.path("secret").asText()).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(Instant.parse(rotated.path("previousSecretValidUntil").asText()))
            .isBetween(Instant.now().plus(Duration.ofMinutes(119)), Instant.now().plus(Duration.ofMinutes(121)));
        assertThat(backend.webhooks().store().signingSecrets(id, Instant.now())).hasSize(2);

        assertThat(send("DELETE", "/postbridge/webhooks/" + id, "").statusCode()).isEqualTo(204);
        assertError(send("GET", "/postbridge/webhooks/" + id, ""), 404, "no webhook endpoint " + id);
        assertError(send("DELETE", "/postbridge/webhooks/" + id, ""), 404, "no webhook endpoint");
    }

    @Test
    void aTestDeliveryIsQueuedAndListedAndAPendingOneIsNotReplayed() throws Exception {
        String id = JSON.readTree(send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\"}").body()).path("id").asText();
        HttpResponse<String> test = send("POST", "/postbridge/webhooks/" + id + "/test", "");
        assertThat(test.statusCode()).isEqualTo(202);
        String messageId = JSON.readTree(test.body()).path("messageId").asText();
        assertThat(messageId).startsWith("msg_");

        JsonNode deliveries = json("GET", "/postbridge/webhooks/" + id + "/deliveries");
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).path("type").asText()).isEqualTo("webhook.test");
        assertThat(deliveries.get(0).path("status").asText()).isEqualTo("pending");
        assertThat(deliveries.get(0).path("nextAttemptAt").asText()).isNotEmpty();
        assertError(send("POST", "/postbridge/webhooks/" + id + "/deliveries/" + messageId + "/replay", ""), 409, "still pending");
        assertError(send("POST", "/postbridge/webhooks/" + id + "/deliveries/msg_nope/replay", ""), 404, "msg_nope");
        assertError(send("GET", "/postbridge/webhooks/" + id + "/deliveries/msg_nope", ""), 404, "msg_nope");
    }

    @Test
    void badRequestsNameTheProblem() throws Exception {
        assertError(send("POST", "/postbridge/webhooks", "{}"), 400, "'url'");
        assertError(send("POST", "/postbridge/webhooks", "{\"url\":\"ftp://example.com/x\"}"), 400, "https://");
        assertError(send("POST", "/postbridge/webhooks", "{\"url\":\"http://10.1.2.3/hooks\"}"), 400, "webhooks.allowedTargets");
        assertError(send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\",\"eventTypes\":[\"message.sent\"]}"), 400,
            "unknown type 'message.sent'");
        assertError(send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\",\"eventTypes\":[\"webhook.test\"]}"), 400,
            "sent on demand only");
        assertError(send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\",\"secret\":\"whsec_mine\"}"), 400, "unknown field 'secret'");
        assertError(send("POST", "/postbridge/webhooks/ep_nope/secret", "{\"overlap\":\"40d\"}"), 400, "overlap");
        assertError(send("POST", "/postbridge/webhooks/ep_nope/test", ""), 404, "ep_nope");
        assertThat(json("GET", "/postbridge/webhooks/event-types")).extracting(n -> n.path("type").asText())
            .contains("message.delivered", "account.reconsent_required", "webhook.endpoint_disabled");
    }

    private static JsonNode json(String method, String path) throws Exception {
        HttpResponse<String> response = send(method, path, "");
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("message").asText()).contains(messagePart);
    }
}
