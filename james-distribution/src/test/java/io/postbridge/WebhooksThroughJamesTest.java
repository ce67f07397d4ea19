package io.postbridge;

import static io.postbridge.it.PostbridgeJames.INBOUND;
import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.core.fakes.FakeWebhookReceiver;
import io.postbridge.core.fakes.FakeWebhookReceiver.Answer;
import io.postbridge.it.ApiDeliverySupport;
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

    @Test
    void deliveryWebhooksCarryTheRouteTheRemoteReplyTheNextAttemptAndTheBounceClassification() throws Exception {
        try (FakeWebhookReceiver receiver = FakeWebhookReceiver.start(); FakeUpstream upstream = FakeUpstream.plain()) {
            upstream.rcptReply("later@remote.test", "451 4.3.0 mailbox busy").rcptReply("gone@remote.test", "550 5.1.1 no such user");
            GuiceJamesServer server = start(conf -> conf.relayThrough("127.0.0.1:" + upstream.port(), "1 minute"));
            try {
                WebAdmin webAdmin = PostbridgeJames.webAdmin(server);
                webAdmin.addUser("alice@example.com", "pw-alice");
                JsonNode endpoint = WebAdmin.parse(webAdmin.post("/postbridge/webhooks",
                    "{\"url\":\"" + receiver.url() + "\",\"eventTypes\":[\"message.delivered\",\"message.deferred\",\"message.bounced\"]}")
                    .body());
                receiver.verifyWith(endpoint.path("secret").asText());
                Instant sent = Instant.now();
                assertThat(ApiDeliverySupport.submit(PostbridgeJames.smtpPorts(server).get(SUBMISSION), "alice@example.com", "pw-alice",
                    List.of("ok@remote.test", "later@remote.test", "gone@remote.test"), ("From: alice@example.com\r\nTo: ok@remote.test\r\n"
                        + "Subject: structured\r\nMessage-ID: <structured@test>\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII)))
                    .startsWith("250");

                // the DSN to alice is delivered locally too: its own message.delivered, with another Message-ID
                AWAIT.untilAsserted(() -> assertThat(bodies(receiver).stream()
                    .filter(b -> b.path("data").path("messageId").asText().equals("<structured@test>")).map(b -> b.path("type").asText()))
                    .as("requests %s", receiver.requests().stream().map(r -> r.answered + " " + r.body).collect(Collectors.toList()))
                    .contains("message.delivered", "message.deferred", "message.bounced"));
                List<JsonNode> bodies = bodies(receiver).stream()
                    .filter(b -> b.path("data").path("messageId").asText().equals("<structured@test>")).collect(Collectors.toList());
                String route = "smarthost 127.0.0.1:" + upstream.port();
                JsonNode delivered = data(bodies, "message.delivered");
                assertThat(delivered.path("recipients").toString()).contains("ok@remote.test").doesNotContain("gone@");
                assertThat(delivered.path("route").asText()).isEqualTo(route);
                assertThat(delivered.path("remoteReply").asText()).startsWith("250 2.0.0 Ok: queued as");

                JsonNode deferred = data(bodies, "message.deferred");
                assertThat(deferred.path("recipients").toString()).contains("later@remote.test");
                assertThat(deferred.path("reason").asText()).contains("451 4.3.0 mailbox busy");
                assertThat(deferred.path("remoteReply").asText()).isEqualTo("451 4.3.0 mailbox busy");
                assertThat(deferred.path("attempt").asInt()).isEqualTo(1);
                Instant next = Instant.parse(deferred.path("nextAttemptAt").asText());
                assertThat(next).as("the retry policy's first gap: 1 minute, with jitter")
                    .isBetween(sent.plusSeconds(20), Instant.now().plusSeconds(70));

                JsonNode bounced = data(bodies, "message.bounced");
                assertThat(bounced.path("recipients").toString()).contains("gone@remote.test").doesNotContain("ok@");
                assertThat(bounced.path("status").asText()).isEqualTo("5.1.1");
                assertThat(bounced.path("reason").asText()).isEqualTo("userunknown");
                assertThat(bounced.path("hardness").asText()).isEqualTo("hard");
                assertThat(bounced.path("remoteReply").asText()).isEqualTo("550 5.1.1 no such user");
                assertThat(bounced.path("route").asText()).isEqualTo(route);
                assertThat(bounced.path("dsnSent").asBoolean()).isTrue();
            } finally {
                server.stop();
            }
        }
    }

    private static JsonNode data(List<JsonNode> bodies, String type) {
        return bodies.stream().filter(b -> b.path("type").asText().equals(type)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + type + " in " + bodies)).path("data");
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
        return start(conf -> { });
    }

    private GuiceJamesServer start(java.util.function.Consumer<ConfFolder> more) throws Exception {
        Path conf = tmp.resolve("conf");
        if (!conf.toFile().exists()) {
            ConfFolder folder = ConfFolder.copyOf(ConfFolder.source(), conf).loopbackAnyPorts()
                .property("postbridge.properties", "webhooks.allowedTargets", "127.0.0.1/32")
                .property("postbridge.properties", "webhooks.retry.firstDelay", "1s")
                .property("postbridge.properties", "webhooks.timeout", "2s")
                .property("postbridge.properties", "webhooks.pollInterval", "200ms");
            more.accept(folder);
        }
        GuiceJamesServer server = PostbridgeServerMain.createServer(MemoryJamesConfiguration.builder()
            .workingDirectory(tmp.toFile())
            .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
            .build(), new String[] {"--generate-keystore"});
        server.start();
        return server;
    }
}
