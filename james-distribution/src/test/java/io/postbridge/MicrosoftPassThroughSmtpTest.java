package io.postbridge;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.postbridge.core.fakes.Delivered;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.FakeProvidersCheck;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.core.microsoft.MicrosoftAppId;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Microsoft pass-through: SMTP username {@code tenant@client}, password = that Entra app's client secret, checked
 * by getting an app token from (a local fake of) Entra; the mail then leaves through (a fake) Graph as that app.
 * SMTP AUTH and delivery both point at the same fake Entra, the one whose tokens the fake Graph accepts, and share one
 * token cache: one token request per app per token lifetime for every AUTH and every message.
 */
@ExtendWith(FakeProvidersCheck.class)
class MicrosoftPassThroughSmtpTest {
    private static final String TENANT = "3f0e1a52-7b1c-4d7e-9a0a-1c2b3d4e5f60";
    private static final String CLIENT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static final String SECRET = "Xy8Q~fake.client.secret-" + UUID.randomUUID();
    /** Entra (client credentials) and Graph (sendMail): the Graph fake accepts only the tokens its Entra issued. */
    private static final FakeProviders MICROSOFT = FakeProviders.start().microsoftApp(TENANT, CLIENT, SECRET);

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> ApiDeliverySupport.pointAtFakes(
        conf.relayThrough(mx.hostAndPort(), "1 second")
            // SMTP AUTH asks the same Entra as ApiDelivery (pointAtFakes sets its microsoftIdentityEndpoint to it)
            .property("postbridge.properties", "microsoft.tokenEndpointOverride", MICROSOFT.microsoftIdentity().toString()),
        MICROSOFT, "1 hour"));

    private static int port;
    private static WebAdmin webAdmin;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        port = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdmin = PostbridgeJames.webAdmin(server);
    }

    @AfterAll
    static void stopFakes() {
        MICROSOFT.close();
    }

    private static SmtpClient tls() throws Exception {
        SmtpClient smtp = SmtpClient.connect(port);
        smtp.ehlo();
        smtp.startTls();
        return smtp;
    }

    private static Delivered deliveredWithId(String messageId) {
        return MICROSOFT.delivered().stream().filter(d -> d.uploadedText().contains("Message-ID: <" + messageId + ">")).findFirst()
            .orElseThrow();
    }

    @Test
    void oneTokenRequestForTheAuthOfManyConnectionsAndTheDeliveryOfAllTheirMail() throws Exception {
        // an app of its own: its token is cold whatever the other tests did
        String client = UUID.randomUUID().toString();
        String secret = "Ab1~only.this-app-" + UUID.randomUUID();
        MICROSOFT.microsoftApp(TENANT, client, secret);
        String compact = MicrosoftAppId.compact(UUID.fromString(TENANT)) + "@" + MicrosoftAppId.compact(UUID.fromString(client));
        List<String> usernames = List.of(TENANT + "@" + client, TENANT + ":" + client, TENANT + "@" + client + ".local", compact);
        int tokenRequestsBefore = MICROSOFT.microsoftTokenRequests();

        // four connections at once (their AUTHs ask for the cold token together), three messages each
        Map<String, byte[]> sent = new LinkedHashMap<>();
        List<List<String>> idsPerConnection = new ArrayList<>();
        for (int c = 0; c < usernames.size(); c++) {
            List<String> ids = new ArrayList<>();
            for (int m = 0; m < 3; m++) {
                String id = "ms-" + c + "-" + m + "@test";
                ids.add(id);
                sent.put(id, TestMessages.withAttachment("reports@contoso.test", "bob@remote.test", null, "pass-through " + id, id,
                    20_000 + c * 1000 + m));
            }
            idsPerConnection.add(ids);
        }
        ExecutorService clients = Executors.newFixedThreadPool(usernames.size());
        try {
            List<Future<List<String>>> connections = new ArrayList<>();
            for (int c = 0; c < usernames.size(); c++) {
                String username = usernames.get(c);
                List<String> ids = idsPerConnection.get(c);
                connections.add(clients.submit(() -> {
                    List<String> replies = new ArrayList<>();
                    try (SmtpClient smtp = tls()) {
                        replies.add(smtp.authPlain(username, secret));
                        for (String id : ids) {
                            replies.add(ApiDeliverySupport.transaction(smtp, "reports@contoso.test", List.of("bob@remote.test"), sent.get(id)));
                        }
                    }
                    return replies;
                }));
            }
            for (Future<List<String>> connection : connections) {
                List<String> replies = connection.get();
                assertThat(replies.get(0)).startsWith("235 2.7.0");
                assertThat(replies.subList(1, replies.size())).hasSize(3).allMatch(reply -> reply.startsWith("250"));
            }
        } finally {
            clients.shutdownNow();
        }

        // every message leaves through Graph as the app, from the sender's mailbox, with the bytes the client sent
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sent.keySet().stream()
            .allMatch(id -> MICROSOFT.delivered().stream().anyMatch(d -> d.uploadedText().contains("Message-ID: <" + id + ">"))));
        for (Map.Entry<String, byte[]> message : sent.entrySet()) {
            Delivered delivered = deliveredWithId(message.getKey());
            assertThat(delivered.provider).isEqualTo("graph");
            assertThat(delivered.sentAs).isEqualTo("reports@contoso.test");
            byte[] original = message.getValue();
            assertThat(Arrays.copyOfRange(delivered.uploaded, delivered.uploaded.length - original.length, delivered.uploaded.length))
                .as("every byte the client sent, after the relay's Received header").isEqualTo(original);
        }
        assertThat(MICROSOFT.violations()).isEmpty();
        assertThat(mx.messageIds()).doesNotContainAnyElementsOf(sent.keySet().stream().map(id -> "<" + id + ">").collect(Collectors.toList()));

        assertThat(MICROSOFT.microsoftTokenRequests() - tokenRequestsBefore)
            .as("one token request for 4 AUTHs and the delivery of 12 messages").isEqualTo(1);

        String firstId = sent.keySet().iterator().next();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Events.typesFor(webAdmin, firstId).contains("delivered"));
        assertThat(Events.eventsFor(webAdmin, firstId).get(0).path("account").asText()).isEqualTo(TENANT + ":" + client);
        assertThat(webAdmin.get("/postbridge/events?limit=10000").body()).contains(firstId).doesNotContain(secret);
    }

    @Test
    void aWrongSecretIsRefusedEvenWithTheRightOnesTokenCachedAndAnEntraOutageIsTemporary() throws Exception {
        try (SmtpClient smtp = tls()) {
            assertThat(smtp.authPlain(TENANT + "@" + CLIENT, SECRET)).startsWith("235 2.7.0");
        }
        int before = MICROSOFT.microsoftTokenRequests();
        for (String wrong : List.of("not-the-secret", SECRET + "x", SECRET.toUpperCase(java.util.Locale.ROOT))) {
            try (SmtpClient smtp = tls()) {
                assertThat(smtp.authPlain(TENANT + "@" + CLIENT, wrong)).startsWith("535 5.7.8");
            }
        }
        assertThat(MICROSOFT.microsoftTokenRequests() - before).as("each wrong secret was checked by Entra").isEqualTo(3);

        String otherClient = UUID.randomUUID().toString();
        MICROSOFT.microsoftApp(TENANT, otherClient, "other-secret");
        MICROSOFT.microsoftToken.respond(10, 503, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS90033: try again\"}");
        try (SmtpClient smtp = tls()) {
            assertThat(smtp.authPlain(TENANT + "@" + otherClient, "other-secret")).startsWith("454 4.7.0");
        } finally {
            MICROSOFT.microsoftToken.clear();
        }
        try (SmtpClient smtp = tls()) {
            assertThat(smtp.authPlain(TENANT + "@" + otherClient, "other-secret")).startsWith("235");
        }
    }

}
