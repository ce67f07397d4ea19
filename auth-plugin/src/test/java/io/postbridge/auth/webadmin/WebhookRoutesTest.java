package io.postbridge.auth.webadmin;

import static io.postbridge.auth.webadmin.WebAdminOnTheRealStore.JSON;
import static io.postbridge.auth.webadmin.WebAdminOnTheRealStore.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * {@code /postbridge/webhooks} on James's own WebAdmin server and core's real store (H2): what an operator sends and
 * what comes back. The sender is not started here: deliveries stay pending (sending is tested in core and in James).
 */
class WebhookRoutesTest {
    // nothing listens there; loopback is allow-listed below, as an operator would for an internal receiver
    private static final String URL = "http://127.0.0.1:9/hooks";

    @TempDir
    static Path home;

    private static WebAdminOnTheRealStore web;
    private static PostbridgeBackend backend;

    @BeforeAll
    static void start() throws Exception {
        web = WebAdminOnTheRealStore.start(home, Map.of(PostbridgeSettings.WEBHOOKS_ALLOWED_TARGETS, "127.0.0.1"),
            core -> List.of(new WebhookRoutes(core.webhooks(), WebAdminOnTheRealStore.json())));
        backend = web.backend();
        backend.accountAdministration().createOrUpdate("erp", account -> account);
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void anEndpointIsSubscribedWithItsSecretShownOnceChangedRotatedAndDeleted() throws Exception {
        HttpResponse<String> created = web.send("POST", "/postbridge/webhooks",
            "{\"url\":\"" + URL + "\",\"account\":\"erp\",\"eventTypes\":[\"message.bounced\",\"message.delivered\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode endpoint = JSON.readTree(created.body());
        String id = endpoint.path("id").asText();
        String secret = endpoint.path("secret").asText();
        assertThat(id).startsWith("ep_");
        assertThat(secret).startsWith("whsec_");
        assertThat(endpoint.path("account").asText()).isEqualTo("erp");
        assertThat(endpoint.path("eventTypes")).extracting(JsonNode::asText).containsExactly("message.bounced", "message.delivered");

        JsonNode read = web.json("GET", "/postbridge/webhooks/" + id);
        assertThat(read.has("secret")).isFalse();
        assertThat(read.toString()).doesNotContain(secret.substring(6));
        assertThat(web.json("GET", "/postbridge/webhooks?account=erp")).extracting(n -> n.path("id").asText()).contains(id);
        assertThat(web.json("GET", "/postbridge/webhooks?account=other")).isEmpty();

        JsonNode changed = JSON.readTree(web.send("PUT", "/postbridge/webhooks/" + id, "{\"enabled\":false,\"eventTypes\":[]}").body());
        assertThat(changed.path("enabled").asBoolean()).isFalse();
        assertThat(changed.path("eventTypes")).extracting(JsonNode::asText).containsExactly("*");
        assertThat(changed.path("url").asText()).as("unchanged").isEqualTo(URL);

        JsonNode rotated = JSON.readTree(web.send("POST", "/postbridge/webhooks/" + id + "/secret", "{\"overlap\":\"2h\"}").body());
        assertThat(rotated.path("secret").asText()).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(Instant.parse(rotated.path("previousSecretValidUntil").asText()))
            .isBetween(Instant.now().plus(Duration.ofMinutes(119)), Instant.now().plus(Duration.ofMinutes(121)));
        assertThat(backend.webhooks().store().signingSecrets(id, Instant.now())).hasSize(2);

        assertThat(web.send("DELETE", "/postbridge/webhooks/" + id, "").statusCode()).isEqualTo(204);
        assertError(web.send("GET", "/postbridge/webhooks/" + id, ""), 404, "no webhook endpoint " + id);
        assertError(web.send("DELETE", "/postbridge/webhooks/" + id, ""), 404, "no webhook endpoint");
    }

    @Test
    void aTestDeliveryIsQueuedAndListedAndAPendingOneIsNotReplayed() throws Exception {
        String id = JSON.readTree(web.send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\"}").body()).path("id").asText();
        HttpResponse<String> test = web.send("POST", "/postbridge/webhooks/" + id + "/test", "");
        assertThat(test.statusCode()).isEqualTo(202);
        String messageId = JSON.readTree(test.body()).path("messageId").asText();
        assertThat(messageId).startsWith("msg_");

        JsonNode deliveries = web.json("GET", "/postbridge/webhooks/" + id + "/deliveries");
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).path("type").asText()).isEqualTo("webhook.test");
        assertThat(deliveries.get(0).path("status").asText()).isEqualTo("pending");
        assertThat(deliveries.get(0).path("nextAttemptAt").asText()).isNotEmpty();
        assertError(web.send("POST", "/postbridge/webhooks/" + id + "/deliveries/" + messageId + "/replay", ""), 409, "still pending");
        assertError(web.send("POST", "/postbridge/webhooks/" + id + "/deliveries/msg_nope/replay", ""), 404, "msg_nope");
        assertError(web.send("GET", "/postbridge/webhooks/" + id + "/deliveries/msg_nope", ""), 404, "msg_nope");
    }

    @Test
    void deletingAnAccountDeletesItsEndpointsAndTheirPendingDeliveries() throws Exception {
        backend.accountAdministration().createOrUpdate("gone", account -> account);
        String id = JSON.readTree(web.send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\",\"account\":\"gone\"}").body())
            .path("id").asText();
        String serverWide = JSON.readTree(web.send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\"}").body()).path("id").asText();
        assertThat(web.send("POST", "/postbridge/webhooks/" + id + "/test", "").statusCode()).isEqualTo(202);
        assertThat(backend.webhooks().store().deliveries(id, 10)).hasSize(1);
        assertThat(backend.secretVault().get("webhook/" + id, "current")).isPresent();

        backend.accountAdministration().delete("gone");

        assertError(web.send("GET", "/postbridge/webhooks/" + id, ""), 404, "no webhook endpoint " + id);
        assertThat(backend.webhooks().store().deliveries(id, 10)).isEmpty();
        assertThat(backend.secretVault().get("webhook/" + id, "current")).as("its secret").isEmpty();
        assertThat(web.json("GET", "/postbridge/webhooks/" + serverWide).path("id").asText()).as("not the account's: kept").isEqualTo(serverWide);
    }

    @Test
    void badRequestsNameTheProblem() throws Exception {
        assertError(web.send("POST", "/postbridge/webhooks", "{}"), 400, "'url'");
        assertError(web.send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\",\"account\":\"nobody\"}"), 404,
            "account 'nobody' does not exist");
        assertError(web.send("POST", "/postbridge/webhooks", "{\"url\":\"ftp://example.com/x\"}"), 400, "https://");
        assertError(web.send("POST", "/postbridge/webhooks", "{\"url\":\"http://10.1.2.3/hooks\"}"), 400, "webhooks.allowedTargets");
        assertError(web.send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\",\"eventTypes\":[\"message.sent\"]}"), 400,
            "unknown type 'message.sent'");
        assertError(web.send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\",\"eventTypes\":[\"webhook.test\"]}"), 400,
            "sent on demand only");
        assertError(web.send("POST", "/postbridge/webhooks", "{\"url\":\"" + URL + "\",\"secret\":\"whsec_mine\"}"), 400, "unknown field 'secret'");
        assertError(web.send("POST", "/postbridge/webhooks/ep_nope/secret", "{\"overlap\":\"40d\"}"), 400, "overlap");
        assertError(web.send("POST", "/postbridge/webhooks/ep_nope/test", ""), 404, "ep_nope");
        assertThat(web.json("GET", "/postbridge/webhooks/event-types")).extracting(n -> n.path("type").asText())
            .contains("message.delivered", "account.reconsent_required", "webhook.endpoint_disabled");
    }
}
