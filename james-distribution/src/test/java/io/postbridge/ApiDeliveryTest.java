package io.postbridge;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.ProviderAccount;
import io.postbridge.core.fakes.Delivered;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.FakeProvidersCheck;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.Events;
import io.postbridge.it.ExtensionProbe;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Mail submitted over SMTP by Gmail and Graph accounts leaves through the (fake) provider APIs, in a real in-process
 * James with the repository's conf/: bytes intact, Bcc from the envelope, large mail, throttling, DSNs, token reuse.
 */
@ExtendWith(FakeProvidersCheck.class)
class ApiDeliveryTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200));
    private static final String GOOGLE_CLIENT = "client-1.apps.googleusercontent.com";
    private static final String GOOGLE_SECRET = "google-secret";
    private static final String TENANT = "11111111-2222-3333-4444-555555555555";
    private static final String MS_CLIENT = "66666666-7777-8888-9999-000000000000";
    private static final String MS_SECRET = "ms-secret";

    private static final FakeProviders fake = FakeProviders.start()
        .googleClient(GOOGLE_CLIENT, GOOGLE_SECRET)
        .microsoftApp(TENANT, MS_CLIENT, MS_SECRET);

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        conf.relayThrough(mx.hostAndPort(), "1 second");
        ApiDeliverySupport.pointAtFakes(conf, fake, "1 hour");
        ApiDeliverySupport.captureDsns(conf);
    }, ExtensionProbe.MODULE);

    private static int submission;
    private static WebAdmin webAdmin;
    private static int webAdminPort;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        submission = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdminPort = server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
        webAdmin = new WebAdmin(webAdminPort);
        InMemoryProviderAccounts accounts = server.getProbe(ExtensionProbe.class).instance(InMemoryProviderAccounts.class);
        for (String user : List.of("alice", "carol", "dave")) {
            webAdmin.addUser(user + "@example.com", "pw-" + user);
            fake.googleUser("rt-" + user, user + "@example.com");
            accounts.put(ProviderAccount.gmail(user + "@example.com", GOOGLE_CLIENT, GOOGLE_SECRET, "rt-" + user));
        }
        webAdmin.addUser("billing@example.com", "pw-billing");
        accounts.put(ProviderAccount.graphApp("billing@example.com", TENANT, MS_CLIENT, MS_SECRET, Optional.empty()));
    }

    @AfterAll
    static void closeFake() {
        fake.close();
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    private static Delivered deliveredWithId(String messageId) throws Exception {
        AWAIT.until(() -> fake.delivered().stream().anyMatch(d -> d.uploadedText().contains("Message-ID: <" + messageId + ">")));
        return fake.delivered().stream().filter(d -> d.uploadedText().contains("Message-ID: <" + messageId + ">")).findFirst().orElseThrow();
    }

    @Test
    void gmailReceivesTheSubmittedBytesAndEnvelopeOnlyRecipientsAsBcc() throws Exception {
        byte[] message = TestMessages.withAttachment("alice@example.com", "bob@remote.test", "carol@remote.test", "fidelity",
            "api-1@test", 200_000);
        assertThat(ApiDeliverySupport.submit(submission, "alice@example.com", "pw-alice",
            List.of("bob@remote.test", "carol@remote.test", "hidden@remote.test"), message)).startsWith("250");

        Delivered delivered = deliveredWithId("api-1@test");
        assertThat(delivered.provider).isEqualTo("gmail");
        assertThat(delivered.sentAs).isEqualTo("alice@example.com");
        assertThat(delivered.recipients).containsExactlyInAnyOrder("bob@remote.test", "carol@remote.test", "hidden@remote.test");
        assertThat(delivered.visibleHeaders()).doesNotContain("hidden@remote.test");
        // every byte the client sent, after the headers the relay prepends (James's Received, our Bcc)
        byte[] tail = java.util.Arrays.copyOfRange(delivered.uploaded, delivered.uploaded.length - message.length, delivered.uploaded.length);
        assertThat(tail).isEqualTo(message);
        assertThat(ApiDeliverySupport.addedHeaderNames(delivered.uploaded, message)).containsOnly("Bcc", "Received");
        assertThat(fake.violations()).isEmpty();

        AWAIT.until(() -> Events.typesFor(webAdmin, "api-1@test").contains("delivered"));
        assertThat(Events.typesFor(webAdmin, "api-1@test")).containsExactly("received", "queued", "delivered");
        assertThat(Events.eventsFor(webAdmin, "api-1@test").get(2).path("detail").asText()).contains(delivered.id);
    }

    @Test
    void graphTakesTenAndFortyMegabyteMessagesThroughUploadSessions() throws Exception {
        for (int size : new int[] {7_500_000, 30_000_000}) {
            String id = "api-big-" + size + "@test";
            byte[] message = TestMessages.withAttachment("billing@example.com", "bob@remote.test", null, "big", id, size);
            assertThat(ApiDeliverySupport.submit(submission, "billing@example.com", "pw-billing", List.of("bob@remote.test"), message))
                .startsWith("250");
            Delivered delivered = deliveredWithId(id);
            assertThat(delivered.provider).isEqualTo("graph");
            assertThat(delivered.sentAs).isEqualTo("billing@example.com");
            assertThat(delivered.separateAttachments.get("data.bin")).isEqualTo(TestMessages.attachmentBytes(size));
        }
        assertThat(fake.violations()).isEmpty();
        assertThat(fake.maxConcurrentGraphRequestsPerMailbox()).isBetween(1, 4);
    }

    @Test
    void throttledMailIsDeferredThenDeliveredOnce() throws Exception {
        fake.gmailSend.throttle(2, 1);
        byte[] message = TestMessages.simple("alice@example.com", "bob@remote.test", "throttled", "api-2@test")
            .getBytes(StandardCharsets.UTF_8);
        assertThat(ApiDeliverySupport.submit(submission, "alice@example.com", "pw-alice", List.of("bob@remote.test"), message))
            .startsWith("250");

        AWAIT.until(() -> Events.typesFor(webAdmin, "api-2@test").contains("delivered"));
        assertThat(Events.typesFor(webAdmin, "api-2@test"))
            .containsExactly("received", "queued", "deferred", "deferred", "delivered");
        assertThat(Events.eventsFor(webAdmin, "api-2@test").get(2).path("detail").asText()).contains("429");
        assertThat(fake.delivered()).hasSize(1);
    }

    @Test
    void permanentFailureSendsExactlyOneRfc3464Dsn() throws Exception {
        fake.graphSend.respond(1, 403, "{\"error\":{\"code\":\"ErrorSendAsDenied\",\"message\":\"The user account which was"
            + " used to submit this request does not have the right to send mail on behalf of the specified sending account.\"}}");
        byte[] message = TestMessages.simple("billing@example.com", "bob@remote.test", "denied", "api-3@test")
            .getBytes(StandardCharsets.UTF_8);
        assertThat(ApiDeliverySupport.submit(submission, "billing@example.com", "pw-billing", List.of("bob@remote.test"), message))
            .startsWith("250");

        AWAIT.until(() -> Events.typesFor(webAdmin, "api-3@test").contains("bounced"));
        AWAIT.until(() -> dsnsAbout("api-3@test").size() == 1);
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
            .until(() -> dsnsAbout("api-3@test").size() == 1);

        MimeMessage dsn = FakeProviders.parse(dsnsAbout("api-3@test").get(0));
        assertThat(dsn.getContentType()).contains("multipart/report").contains("delivery-status");
        assertThat(dsn.getHeader("To", null)).isEqualTo("billing@example.com");
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        String status = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(status).contains("Final-Recipient: rfc822; bob@remote.test").contains("Action: failed")
            .contains("Status: 5.7.1").contains("ErrorSendAsDenied");
        assertThat(Events.typesFor(webAdmin, "api-3@test")).containsExactly("received", "queued", "bounced");
        assertThat(fake.delivered()).isEmpty();
    }

    @Test
    void aRecipientGmailRefusesPermanentlyIsSuppressedForTheSenderAndASendAsRefusalSuppressesNobody() throws Exception {
        fake.gmailSend.respond(1, 400, "{\"error\":{\"code\":400,\"message\":\"Invalid To header\",\"errors\":[{\"message\":"
            + "\"Invalid To header\",\"domain\":\"global\",\"reason\":\"invalidArgument\"}],\"status\":\"INVALID_ARGUMENT\"}}");
        byte[] message = TestMessages.simple("dave@example.com", "no-such@remote.test", "typo", "api-sup-1@test")
            .getBytes(StandardCharsets.UTF_8);
        assertThat(ApiDeliverySupport.submit(submission, "dave@example.com", "pw-dave", List.of("no-such@remote.test"), message))
            .startsWith("250");

        AWAIT.until(() -> Events.typesFor(webAdmin, "api-sup-1@test").contains("bounced"));
        JsonNode entry = webAdmin.getJson("/postbridge/suppressions/dave@example.com/no-such@remote.test");
        assertThat(entry.path("reason").asText()).isEqualTo("hard-bounce");
        assertThat(entry.path("source").asText()).isEqualTo("provider");
        try (SmtpClient smtp = SmtpClient.connect(submission)) {
            smtp.ehlo();
            smtp.startTls();
            smtp.authPlain("dave@example.com", "pw-dave");
            smtp.mailFrom("dave@example.com");
            assertThat(smtp.rcptTo("no-such@remote.test")).startsWith("550 5.1.1 <no-such@remote.test>: suppressed since");
        }

        // a refusal about the sender (send-as rights) is no reason to stop writing to the recipient
        fake.graphSend.respond(1, 403, "{\"error\":{\"code\":\"ErrorSendAsDenied\",\"message\":\"not allowed\"}}");
        byte[] denied = TestMessages.simple("billing@example.com", "fine@remote.test", "denied", "api-sup-2@test")
            .getBytes(StandardCharsets.UTF_8);
        assertThat(ApiDeliverySupport.submit(submission, "billing@example.com", "pw-billing", List.of("fine@remote.test"), denied))
            .startsWith("250");
        AWAIT.until(() -> Events.typesFor(webAdmin, "api-sup-2@test").contains("bounced"));
        assertThat(webAdmin.get("/postbridge/suppressions/billing@example.com/fine@remote.test").statusCode()).isEqualTo(404);
    }

    @Test
    void hundredMessagesFromTenConnectionsNeedOneTokenRequest() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<Future<List<String>>> connections = new ArrayList<>();
            for (int c = 0; c < 10; c++) {
                int connection = c;
                connections.add(clients.submit(() -> {
                    List<String> replies = new ArrayList<>();
                    try (SmtpClient smtp = SmtpClient.connect(submission)) {
                        smtp.ehlo();
                        smtp.startTls();
                        smtp.authPlain("carol@example.com", "pw-carol");
                        for (int m = 0; m < 10; m++) {
                            String id = "tok-" + connection + "-" + m + "@test";
                            replies.add(ApiDeliverySupport.transaction(smtp, "carol@example.com", List.of("bob@remote.test"),
                                TestMessages.simple("carol@example.com", "bob@remote.test", "n", id).getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                    return replies;
                }));
            }
            for (Future<List<String>> connection : connections) {
                assertThat(connection.get()).hasSize(10).allMatch(reply -> reply.startsWith("250"));
            }
        } finally {
            clients.shutdownNow();
        }
        AWAIT.until(() -> fake.delivered().size() == 100);
        assertThat(fake.googleTokenRequests()).isEqualTo(1);
    }

    @Test
    void aStoredAccountAuthenticatedByApiKeyDeliversThroughItsGmail() throws Exception {
        assertThat(webAdmin.put("/postbridge/accounts/erp", "{}").statusCode()).isEqualTo(201);
        assertThat(webAdmin.put("/postbridge/accounts/erp/senders/erp@example.com", "").statusCode()).isBetween(200, 204);
        fake.googleUser("rt-erp", "erp@example.com");
        assertThat(webAdmin.put("/postbridge/accounts/erp/provider", "{\"provider\":\"gmail\",\"settings\":{\"clientId\":\""
            + GOOGLE_CLIENT + "\"},\"secrets\":{\"clientSecret\":\"" + GOOGLE_SECRET + "\",\"refreshToken\":\"rt-erp\"}}")
            .statusCode()).isEqualTo(204);
        java.net.http.HttpResponse<String> created = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + webAdminPort + "/postbridge/accounts/erp/keys"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        String apiKey = WebAdmin.parse(created.body()).path("key").asText();

        byte[] message = TestMessages.simple("erp@example.com", "bob@remote.test", "stored", "api-5@test").getBytes(StandardCharsets.UTF_8);
        assertThat(ApiDeliverySupport.submit(submission, "erp", apiKey, List.of("bob@remote.test"), message)).startsWith("250");

        Delivered delivered = deliveredWithId("api-5@test");
        assertThat(delivered.provider).isEqualTo("gmail");
        assertThat(delivered.sentAs).isEqualTo("erp@example.com");
        AWAIT.until(() -> Events.typesFor(webAdmin, "api-5@test").contains("delivered"));
        assertThat(Events.eventsFor(webAdmin, "api-5@test").get(Events.eventsFor(webAdmin, "api-5@test").size() - 1)
            .path("account").asText()).isEqualTo("erp");
    }

    @Test
    void eventsCanBeListedPerAccount() throws Exception {
        byte[] message = TestMessages.simple("alice@example.com", "bob@remote.test", "per account", "api-4@test")
            .getBytes(StandardCharsets.UTF_8);
        ApiDeliverySupport.submit(submission, "alice@example.com", "pw-alice", List.of("bob@remote.test"), message);
        AWAIT.until(() -> Events.typesFor(webAdmin, "api-4@test").contains("delivered"));

        JsonNode events = webAdmin.getJson("/postbridge/events?account=alice@example.com&type=delivered&limit=500");
        assertThat(events.size()).isGreaterThan(0);
        events.forEach(event -> assertThat(event.path("account").asText()).isEqualTo("alice@example.com"));
        assertThat(events.toString()).contains("api-4@test");
    }

    private static List<byte[]> dsnsAbout(String messageId) throws Exception {
        List<byte[]> matching = new ArrayList<>();
        for (byte[] mail : ApiDeliverySupport.repositoryMails(webAdmin, webAdminPort, ApiDeliverySupport.DSN_REPOSITORY)) {
            if (new String(mail, StandardCharsets.UTF_8).contains("<" + messageId + ">")) {
                matching.add(mail);
            }
        }
        return matching;
    }

}
