package io.postbridge;

import static io.postbridge.it.PostbridgeJames.INBOUND;
import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.it.Accounts;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Inbound bounce handling in a real in-process James with the shipped conf/: an account sends through relay to a
 * local MX that accepts, a bounce comes back on the inbound port, the event shows what was read, and the next RCPT
 * to that recipient from that account gets the suppression reply until WebAdmin removes it.
 */
class BounceHandlingTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
    private static final AtomicInteger IDS = new AtomicInteger();

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> conf.relayThrough(mx.hostAndPort(), "1 second"));

    private static Map<String, Integer> ports;
    private static WebAdmin webAdmin;
    private static String key;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        ports = PostbridgeJames.smtpPorts(server);
        webAdmin = PostbridgeJames.webAdmin(server);
        Accounts accounts = new Accounts(webAdmin);
        accounts.create("crm").allowSender("crm", "app@example.com");
        key = accounts.issueKey("crm").key;
        // the bounces come back to the account's sender address, a mailbox of this server
        webAdmin.addUser("app@example.com", "secret-password-1");
    }

    /** Sends one message as the account and waits until the fake MX has it; returns its Message-ID (no brackets). */
    private static String sendAndDeliver(String recipient) throws Exception {
        String id = "bounce-test-" + IDS.incrementAndGet() + "@test";
        assertThat(submit(recipient, id)).startsWith("250");
        AWAIT.until(() -> mx.messageIds().contains("<" + id + ">"));
        return id;
    }

    private static String submit(String recipient, String id) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            smtp.ehlo();
            smtp.startTls();
            smtp.authPlain("crm", key);
            return smtp.send("app@example.com", recipient, SmtpClient.message("app@example.com", recipient, "hello", id, "hi"));
        }
    }

    private static String rcptReply(String recipient) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            smtp.ehlo();
            smtp.startTls();
            smtp.authPlain("crm", key);
            smtp.mailFrom("app@example.com");
            return smtp.rcptTo(recipient);
        }
    }

    /** What a remote MX sends back hours later: an RFC 3464 report with the original attached. */
    private static String dsn(String recipient, String status, String reply, String originalId) {
        return "From: Mail Delivery System <MAILER-DAEMON@mx.remote.test>\r\nTo: app@example.com\r\n"
            + "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-" + IDS.incrementAndGet() + "@mx.remote.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.remote.test\r\n\r\n"
            + "Final-Recipient: rfc822; " + recipient + "\r\nAction: failed\r\nStatus: " + status + "\r\n"
            + "Diagnostic-Code: smtp; " + reply + "\r\n\r\n"
            + "--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: app@example.com\r\nTo: " + recipient + "\r\n"
            + "Message-ID: <" + originalId + ">\r\nSubject: hello\r\n\r\nhi\r\n--b--\r\n";
    }

    private static String arf(String recipient, String originalId) {
        return "From: fbl@isp.remote.test\r\nTo: app@example.com\r\nSubject: complaint\r\nMessage-ID: <arf-" + IDS.incrementAndGet()
            + "@isp.remote.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=\"a\"\r\n\r\n"
            + "--a\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: FBL/1\r\nVersion: 1\r\n"
            + "Original-Rcpt-To: <" + recipient + ">\r\n\r\n"
            + "--a\r\nContent-Type: message/rfc822\r\n\r\nFrom: app@example.com\r\nTo: " + recipient + "\r\nMessage-ID: <"
            + originalId + ">\r\n\r\nbuy\r\n--a--\r\n";
    }

    private static void inbound(String sender, String message) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(INBOUND))) {
            smtp.ehlo();
            assertThat(smtp.send(sender, "app@example.com", message)).startsWith("250");
        }
    }

    private static JsonNode bounceEventMentioning(String recipient) throws Exception {
        AWAIT.until(() -> find(recipient) != null);
        return find(recipient);
    }

    private static JsonNode find(String recipient) throws Exception {
        for (JsonNode event : webAdmin.getJson("/postbridge/events?type=bounce-received&limit=200")) {
            if (event.path("detail").asText().contains(recipient)) {
                return event;
            }
        }
        return null;
    }

    @Test
    void aHardBounceSuppressesTheRecipientForTheAccountUntilWebAdminRemovesIt() throws Exception {
        String id = sendAndDeliver("nobody@remote.test");
        inbound("", dsn("nobody@remote.test", "5.0.0", "550 5.1.1 <nobody@remote.test>: User unknown", id));

        JsonNode event = bounceEventMentioning("nobody@remote.test");
        assertThat(event.path("account").asText()).isEqualTo("crm");
        assertThat(event.path("detail").asText()).contains("nobody@remote.test 5.1.1 hard userunknown").contains("-> suppressed");
        assertThat(rcptReply("nobody@remote.test"))
            .startsWith("550 5.1.1 <nobody@remote.test>: suppressed since").contains("hard-bounce");
        assertThat(webAdmin.getJson("/postbridge/suppressions/crm/nobody@remote.test").path("reason").asText()).isEqualTo("hard-bounce");

        assertThat(webAdmin.delete("/postbridge/suppressions/crm/nobody@remote.test").statusCode()).isEqualTo(204);
        assertThat(rcptReply("nobody@remote.test")).startsWith("250");
    }

    @Test
    void softBouncesSuppressAtTheThirdAndADeliveryBetweenStartsAgain() throws Exception {
        String id = sendAndDeliver("full@remote.test");
        inbound("", dsn("full@remote.test", "4.2.2", "452 4.2.2 Mailbox full", id));
        inbound("", dsn("full@remote.test", "4.2.2", "452 4.2.2 Mailbox full", id));
        bounceEventMentioning("full@remote.test");
        sendAndDeliver("full@remote.test");
        AWAIT.until(() -> webAdmin.getJson("/postbridge/events?type=delivered&account=crm&limit=200").size() >= 2);
        inbound("", dsn("full@remote.test", "4.2.2", "452 4.2.2 Mailbox full", id));
        inbound("", dsn("full@remote.test", "4.2.2", "452 4.2.2 Mailbox full", id));
        AWAIT.until(() -> webAdmin.getJson("/postbridge/events?type=bounce-received&limit=200").findValuesAsText("detail").stream()
            .filter(d -> d.contains("full@remote.test")).count() == 4);
        assertThat(rcptReply("full@remote.test")).as("two soft bounces since the delivery").startsWith("250");

        inbound("", dsn("full@remote.test", "4.2.2", "452 4.2.2 Mailbox full", id));

        AWAIT.untilAsserted(() -> assertThat(rcptReply("full@remote.test")).startsWith("550 5.1.1").contains("soft-bounces"));
    }

    @Test
    void anArfComplaintSuppressesWithReasonComplaint() throws Exception {
        String id = sendAndDeliver("reader@remote.test");
        inbound("fbl@isp.remote.test", arf("reader@remote.test", id));

        AWAIT.untilAsserted(() -> assertThat(rcptReply("reader@remote.test")).startsWith("550 5.7.1").contains("complaint"));
    }

    @Test
    void anAutoReplyChangesNothing() throws Exception {
        String id = sendAndDeliver("away@remote.test");
        inbound("away@remote.test", "From: away@remote.test\r\nTo: app@example.com\r\nSubject: Out of office\r\n"
            + "Auto-Submitted: auto-replied\r\nIn-Reply-To: <" + id + ">\r\nMessage-ID: <auto-" + id + ">\r\n\r\nI am away.\r\n");

        assertThat(rcptReply("away@remote.test")).startsWith("250");
        assertThat(webAdmin.get("/postbridge/suppressions/crm/away@remote.test").statusCode()).isEqualTo(404);
    }

    @Test
    void aBounceOfAMessageWeDidNotSendIsRecordedButSuppressesNothing() throws Exception {
        inbound("", dsn("stranger@remote.test", "5.1.1", "550 5.1.1 unknown", "never-sent@elsewhere.test"));

        assertThat(bounceEventMentioning("stranger@remote.test").path("detail").asText()).contains("no account linked");
        assertThat(rcptReply("stranger@remote.test")).startsWith("250");
    }
}
