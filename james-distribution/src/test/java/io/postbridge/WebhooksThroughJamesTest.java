package io.postbridge;

import static io.postbridge.it.PostbridgeJames.INBOUND;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.fakes.FakeWebhookReceiver;
import io.postbridge.core.fakes.FakeWebhookReceiver.Answer;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;
import io.postbridge.server.PostbridgeServerMain;

/**
 * Webhooks through a real Postbridge server: an endpoint subscribed through WebAdmin receives the mail events of a
 * message sent over SMTP, signed so that a Standard Webhooks receiver verifies them with the secret WebAdmin showed
 * once; the delivery log and a test delivery are there; and webhooks not delivered before a restart are delivered
 * after it, with the same webhook-id.
 */
class WebhooksThroughJamesTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));

    @TempDir
    Path tmp;

    @Test
    void aMailEventReachesTheSubscribedEndpointSignedWithTheSecretShownOnce() throws Exception {
        try (FakeWebhookReceiver receiver = FakeWebhookReceiver.start()) {
            GuiceJamesServer server = start();
            try {
                WebAdmin webAdmin = PostbridgeJames.webAdmin(server);
                webAdmin.addUser("alice@example.com", "alice-secret");
                HttpResponse<String> created = webAdmin.post("/postbridge/webhooks",
                    "{\"url\":\"" + receiver.url() + "\",\"eventTypes\":[\"message.received\",\"message.delivered\"]}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                JsonNode endpoint = WebAdmin.parse(created.body());
                String secret = endpoint.path("secret").asText();
                assertThat(secret).startsWith("whsec_");
                String id = endpoint.path("id").asText();
                receiver.verifyWith(secret);
                assertThat(webAdmin.get("/postbridge/webhooks/" + id).body()).as("shown once").doesNotContain(secret.substring(6));
                assertThat(webAdmin.get("/postbridge/webhooks").body()).doesNotContain(secret.substring(6)).contains(id);

                send(server, "web-1@test");
                AWAIT.until(() -> receiver.processed().size() == 2);
                List<JsonNode> bodies = bodies(receiver);
                assertThat(bodies).extracting(b -> b.path("type").asText()).containsExactlyInAnyOrder("message.received", "message.delivered");
                JsonNode received = bodies.stream().filter(b -> b.path("type").asText().equals("message.received")).findFirst().orElseThrow();
                assertThat(bodies).allMatch(b -> b.path("data").path("messageId").asText().equals("<web-1@test>"));
                assertThat(received.path("data").path("sender").asText()).isEqualTo("sender@elsewhere.test");
                assertThat(received.path("data").path("recipients").get(0).asText()).isEqualTo("alice@example.com");
                assertThat(receiver.requests()).as("every request verified, none refused").allMatch(r -> r.answered == 200);

                // the delivery log, and a test delivery on demand
                // the receiver has answered; the store records it right after
                AWAIT.untilAsserted(() -> assertThat(webAdmin.getJson("/postbridge/webhooks/" + id + "/deliveries")).hasSize(2)
                    .allMatch(d -> d.path("status").asText().equals("delivered")));
                String messageId = receiver.processed().get(0).id;
                JsonNode one = webAdmin.getJson("/postbridge/webhooks/" + id + "/deliveries/" + messageId);
                assertThat(one.path("attemptLog").get(0).path("status").asInt()).isEqualTo(200);
                assertThat(one.path("attemptLog").get(0).has("latencyMillis")).isTrue();
                HttpResponse<String> test = webAdmin.post("/postbridge/webhooks/" + id + "/test", "");
                assertThat(test.statusCode()).isEqualTo(202);
                AWAIT.until(() -> receiver.processed().size() == 3);
                assertThat(receiver.processed().get(2).id).isEqualTo(WebAdmin.parse(test.body()).path("messageId").asText());
                assertThat(bodies(receiver).get(2).path("type").asText()).isEqualTo("webhook.test");

                // the SSRF guard: a private target that is not allow-listed is refused with the setting to change
                HttpResponse<String> internal = webAdmin.post("/postbridge/webhooks", "{\"url\":\"http://10.0.0.1/hooks\"}");
                assertThat(internal.statusCode()).isEqualTo(400);
                assertThat(internal.body()).contains("webhooks.allowedTargets");
                HttpResponse<String> unknownType = webAdmin.post("/postbridge/webhooks",
                    "{\"url\":\"" + receiver.url() + "\",\"eventTypes\":[\"message.sent\"]}");
                assertThat(unknownType.statusCode()).isEqualTo(400);
                assertThat(unknownType.body()).contains("message.sent").contains("message.delivered");
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void webhooksNotDeliveredBeforeARestartAreDeliveredAfterIt() throws Exception {
        try (FakeWebhookReceiver receiver = FakeWebhookReceiver.start()) {
            // down for maintenance until the server has been restarted
            for (int i = 0; i < 50; i++) {
                receiver.answer(Answer.status(503));
            }
            GuiceJamesServer first = start();
            String id;
            try {
                WebAdmin webAdmin = PostbridgeJames.webAdmin(first);
                webAdmin.addUser("alice@example.com", "alice-secret");
                JsonNode endpoint = WebAdmin.parse(webAdmin.post("/postbridge/webhooks",
                    "{\"url\":\"" + receiver.url() + "\",\"eventTypes\":[\"message.received\"]}").body());
                id = endpoint.path("id").asText();
                receiver.verifyWith(endpoint.path("secret").asText());
                send(first, "restart-1@test");
                AWAIT.until(() -> !receiver.requests().isEmpty());
                assertThat(receiver.processed()).isEmpty();
            } finally {
                first.stop();
            }
            String webhookId = receiver.requests().get(0).id;

            receiver.clearScript();
            GuiceJamesServer second = start();
            try {
                AWAIT.until(() -> receiver.processed().size() == 1);
                assertThat(receiver.processed().get(0).id).as("the same webhook-id as before the restart").isEqualTo(webhookId);
                assertThat(WebAdmin.parse(receiver.processed().get(0).body).path("data").path("messageId").asText())
                    .isEqualTo("<restart-1@test>");
                WebAdmin webAdmin = PostbridgeJames.webAdmin(second);
                String path = "/postbridge/webhooks/" + id + "/deliveries/" + webhookId;
                AWAIT.until(() -> webAdmin.getJson(path).path("status").asText().equals("delivered"));
                JsonNode log = webAdmin.getJson(path);
                assertThat(log.path("attemptLog").get(0).path("status").asInt()).isEqualTo(503);
            } finally {
                second.stop();
            }
        }
    }

    private static List<JsonNode> bodies(FakeWebhookReceiver receiver) {
        return receiver.processed().stream().map(r -> {
            try {
                return WebAdmin.parse(r.body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).collect(Collectors.toList());
    }

    private static void send(GuiceJamesServer server, String messageId) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(PostbridgeJames.smtpPorts(server).get(INBOUND))) {
            smtp.ehlo();
            assertThat(smtp.send("sender@elsewhere.test", "alice@example.com",
                SmtpClient.message("sender@elsewhere.test", "alice@example.com", "webhook", messageId, "hello"))).startsWith("250");
        }
    }

    /** A server on {@code tmp} (the same store every time), loopback allow-listed for the fake receiver, short retries. */
    private GuiceJamesServer start() throws Exception {
        Path conf = tmp.resolve("conf");
        if (!conf.toFile().exists()) {
            ConfFolder.copyOf(ConfFolder.source(), conf).loopbackAnyPorts()
                .property("postbridge.properties", "webhooks.allowedTargets", "127.0.0.1/32")
                .property("postbridge.properties", "webhooks.retry.firstDelay", "1s")
                .property("postbridge.properties", "webhooks.timeout", "2s")
                .property("postbridge.properties", "webhooks.pollInterval", "200ms");
        }
        GuiceJamesServer server = PostbridgeServerMain.createServer(MemoryJamesConfiguration.builder()
            .workingDirectory(tmp.toFile())
            .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
            .build(), new String[] {"--generate-keystore"});
        server.start();
        return server;
    }
}
