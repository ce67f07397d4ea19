package io.postbridge;

import static io.postbridge.it.PostbridgeJames.INBOUND;
import static io.postbridge.it.PostbridgeJames.SMTPS;
import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.subethamail.wiser.WiserMessage;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * The foundation in a real in-process James: the repository's conf/, Postbridge loaded through
 * extensions.properties, its hook, matcher, mailet and WebAdmin route at work on mail sent over SMTP.
 */
class FoundationTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200));

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> conf.relayThrough(mx.hostAndPort(), "1 second"));

    private static Map<String, Integer> ports;
    private static WebAdmin webAdmin;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        ports = PostbridgeJames.smtpPorts(server);
        webAdmin = PostbridgeJames.webAdmin(server);
        webAdmin.addUser("alice@example.com", "alice-secret");
    }

    @Test
    void inboundMailForALocalUserIsRecordedAsReceivedThenDelivered() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(INBOUND))) {
            assertThat(smtp.ehlo()).startsWith("250");
            assertThat(smtp.send("sender@elsewhere.test", "alice@example.com",
                SmtpClient.message("sender@elsewhere.test", "alice@example.com", "hi", "local-1@test", "hello")))
                .startsWith("250");
        }

        AWAIT.until(() -> Events.typesFor(webAdmin, "local-1@test").contains("delivered"));
        JsonNode received = Events.eventsFor(webAdmin, "local-1@test").get(0);
        assertThat(received.path("type").asText()).isEqualTo("received");
        assertThat(received.path("detail").asText()).isEqualTo("from 127.0.0.1");
        assertThat(received.path("sender").asText()).isEqualTo("sender@elsewhere.test");
        assertThat(Events.typesFor(webAdmin, "local-1@test")).containsExactly("received", "delivered");
    }

    @Test
    void authenticatedSubmissionOverStartTlsIsRelayedToTheRemoteMx() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            assertThat(smtp.ehlo()).doesNotContain("AUTH");
            assertThat(smtp.startTls()).startsWith("250").contains("AUTH");
            assertThat(smtp.authPlain("alice@example.com", "alice-secret")).startsWith("235");
            assertThat(smtp.send("alice@example.com", "bob@remote.test",
                SmtpClient.message("alice@example.com", "bob@remote.test", "out", "relay-1@test", "to the world")))
                .startsWith("250");
        }

        AWAIT.until(() -> mx.messageIds().contains("<relay-1@test>"));
        WiserMessage delivered = mx.messages().stream()
            .filter(m -> FakeMx.messageId(m).equals("<relay-1@test>")).findFirst().orElseThrow();
        assertThat(delivered.getEnvelopeSender()).isEqualTo("alice@example.com");
        assertThat(delivered.getEnvelopeReceiver()).isEqualTo("bob@remote.test");
        assertThat(new String(delivered.getData())).contains("to the world");

        AWAIT.until(() -> Events.typesFor(webAdmin, "relay-1@test").contains("delivered"));
        assertThat(Events.typesFor(webAdmin, "relay-1@test")).containsExactly("received", "queued", "delivered");
        assertThat(Events.eventsFor(webAdmin, "relay-1@test").get(0).path("account").asText()).isEqualTo("alice@example.com");
    }

    @Test
    void implicitTlsPortAuthenticatesAndAcceptsMail() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SMTPS), true)) {
            assertThat(smtp.ehlo()).startsWith("250").contains("AUTH");
            assertThat(smtp.authLogin("alice@example.com", "alice-secret")).startsWith("235");
            assertThat(smtp.send("alice@example.com", "carol@remote.test",
                SmtpClient.message("alice@example.com", "carol@remote.test", "tls", "smtps-1@test", "implicit tls")))
                .startsWith("250");
        }
        AWAIT.until(() -> mx.messageIds().contains("<smtps-1@test>"));
    }

    @Test
    void inboundPortIsNotAnOpenRelay() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(INBOUND))) {
            smtp.ehlo();
            assertThat(smtp.mailFrom("spammer@elsewhere.test")).startsWith("250");
            assertThat(smtp.rcptTo("victim@remote.test")).startsWith("550 5.7.1");
        }
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain("alice@example.com", "wrong")).startsWith("535");
            // the submission port takes no mail from an unauthenticated session
            assertThat(smtp.mailFrom("alice@example.com")).startsWith("530 5.7.1");
        }
    }

    @Test
    void unknownLocalRecipientIsRejectedAtRcpt() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(INBOUND))) {
            smtp.ehlo();
            smtp.mailFrom("sender@elsewhere.test");
            assertThat(smtp.rcptTo("nobody@example.com")).startsWith("550 5.1.1");
        }
    }

    @Test
    void inboundDeliveryReportIsRecognisedByIsBounce() throws Exception {
        String dsn = "From: MAILER-DAEMON@remote.test\r\n"
            + "To: alice@example.com\r\n"
            + "Subject: Undelivered Mail Returned to Sender\r\n"
            + "Message-ID: <dsn-1@test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n"
            + "\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            + "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; remote.test\r\n\r\n"
            + "Final-Recipient: rfc822; gone@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
            + "--b1--\r\n";
        try (SmtpClient smtp = SmtpClient.connect(ports.get(INBOUND))) {
            smtp.ehlo();
            assertThat(smtp.send("", "alice@example.com", dsn)).startsWith("250");
        }

        AWAIT.until(() -> Events.typesFor(webAdmin, "dsn-1@test").contains("delivered"));
        assertThat(Events.typesFor(webAdmin, "dsn-1@test")).containsExactly("received", "bounce-received", "delivered");
    }

    @Test
    void eventsRouteExplainsBadInput() throws Exception {
        HttpResponse<String> badLimit = webAdmin.get("/postbridge/events?limit=abc");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(WebAdmin.parse(badLimit.body()).path("message").asText()).contains("'limit'").contains("abc");

        HttpResponse<String> badType = webAdmin.get("/postbridge/events?type=exploded");
        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(WebAdmin.parse(badType.body()).path("message").asText()).contains("'type'").contains("delivered");

        // two delivered mails, so that limit=1 has something to cut
        for (String id : new String[] {"limit-1@test", "limit-2@test"}) {
            try (SmtpClient smtp = SmtpClient.connect(ports.get(INBOUND))) {
                smtp.ehlo();
                assertThat(smtp.send("sender@elsewhere.test", "alice@example.com",
                    SmtpClient.message("sender@elsewhere.test", "alice@example.com", "limit", id, "hello"))).startsWith("250");
            }
            AWAIT.until(() -> Events.typesFor(webAdmin, id).contains("delivered"));
        }
        assertThat(webAdmin.getJson("/postbridge/events?type=delivered").size()).isGreaterThanOrEqualTo(2);
        JsonNode limited = webAdmin.getJson("/postbridge/events?type=delivered&limit=1");
        assertThat(limited.size()).isEqualTo(1);
        assertThat(limited.get(0).path("type").asText()).isEqualTo("delivered");
    }
}
