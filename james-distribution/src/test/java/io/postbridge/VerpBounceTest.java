package io.postbridge;

import static io.postbridge.it.PostbridgeJames.INBOUND;
import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

import io.postbridge.it.Accounts;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * VERP in a real in-process James with the shipped conf/ and {@code verp.enabled=true}: relayed mail leaves with one
 * signed return path per recipient; a bounce to it is linked to the account and recipient even when the report does
 * not name them, and goes on to the original sender; forged addresses and backscatter are refused at RCPT.
 */
class VerpBounceTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> conf.relayThrough(mx.hostAndPort(), "1 second")
        .property("postbridge.properties", "verp.enabled", "true"));

    private static Map<String, Integer> ports;
    private static WebAdmin webAdmin;
    private static String key;
    private static String strictKey;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        ports = PostbridgeJames.smtpPorts(server);
        webAdmin = PostbridgeJames.webAdmin(server);
        Accounts accounts = new Accounts(webAdmin);
        accounts.create("crm").allowSender("crm", "app@example.com");
        key = accounts.issueKey("crm").key;
        accounts.create("strict").allowSender("strict", "ops@example.com");
        strictKey = accounts.issueKey("strict").key;
        webAdmin.addUser("app@example.com", "secret-password-1");
    }

    /** Sends one message to both recipients; returns the return paths the MX saw, recipient to envelope sender. */
    private static Map<String, String> sendToBoth(String id, String first, String second) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            smtp.ehlo();
            smtp.startTls();
            smtp.authPlain("crm", key);
            assertThat(smtp.mailFrom("app@example.com")).startsWith("250");
            assertThat(smtp.rcptTo(first)).startsWith("250");
            assertThat(smtp.rcptTo(second)).startsWith("250");
            assertThat(smtp.data(SmtpClient.message("app@example.com", first, "hello", id, "hi"))).startsWith("250");
        }
        AWAIT.until(() -> delivered(id).size() == 2);
        return delivered(id).stream().collect(Collectors.toMap(WiserMessage::getEnvelopeReceiver, WiserMessage::getEnvelopeSender));
    }

    private static List<WiserMessage> delivered(String id) {
        return mx.messages().stream().filter(m -> ("<" + id + ">").equals(FakeMx.messageId(m))).collect(Collectors.toList());
    }

    /** A bounce whose report names neither the recipient nor the original: only its VERP address can link it. */
    private static String opaqueBounce(String id) {
        return "From: MAILER-DAEMON@mx.remote.test\r\nTo: whoever\r\nSubject: failure notice\r\nMessage-ID: <" + id + ">\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nSorry.\r\n"
            + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.remote.test\r\n\r\n"
            + "Final-Recipient: rfc822; forwarded-copy@elsewhere.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            + "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--b--\r\n";
    }

    private static String rcptReply(int port, String sender, String... recipients) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(port)) {
            smtp.ehlo();
            if (port == ports.get(SUBMISSION)) {
                smtp.startTls();
                smtp.authPlain("crm", key);
            }
            smtp.mailFrom(sender);
            String reply = "";
            for (String recipient : recipients) {
                reply = smtp.rcptTo(recipient);
            }
            return reply;
        }
    }

    @Test
    void eachRecipientGetsItsOwnSignedReturnPathAndItsBounceSuppressesIt() throws Exception {
        Map<String, String> returnPaths = sendToBoth("verp-1@test", "gone@remote.test", "fine@remote.test");

        assertThat(returnPaths.get("gone@remote.test")).startsWith("app+V1=").endsWith("@example.com").contains("=crm=");
        assertThat(returnPaths.get("fine@remote.test")).startsWith("app+V1=").isNotEqualTo(returnPaths.get("gone@remote.test"));

        try (SmtpClient smtp = SmtpClient.connect(ports.get(INBOUND))) {
            smtp.ehlo();
            assertThat(smtp.send("", returnPaths.get("gone@remote.test"), opaqueBounce("dsn-verp-1@mx.remote.test"))).startsWith("250");
        }

        AWAIT.ignoreExceptions().untilAsserted(() -> assertThat(webAdmin.getJson("/postbridge/suppressions/crm/gone@remote.test").path("reason").asText())
            .isEqualTo("hard-bounce"));
        JsonNode event = webAdmin.getJson("/postbridge/events?type=bounce-received&account=crm&limit=50").get(0);
        assertThat(event.path("detail").asText()).contains("VERP").contains("gone@remote.test 5.1.1 hard userunknown");
        assertThat(rcptReply(ports.get(SUBMISSION), "app@example.com", "gone@remote.test")).startsWith("550 5.1.1");
        assertThat(rcptReply(ports.get(SUBMISSION), "app@example.com", "fine@remote.test")).startsWith("250");
        // the bounce still reaches the sender, in its mailbox
        AWAIT.until(() -> webAdmin.getJson("/postbridge/events?type=delivered&limit=200").findValues("messageId").stream()
            .anyMatch(v -> v.asText().contains("dsn-verp-1@mx.remote.test")));
    }

    @Test
    void aForgedOrSecondVerpAddressIsRefusedAtRcpt() throws Exception {
        Map<String, String> returnPaths = sendToBoth("verp-2@test", "a@remote.test", "b@remote.test");
        String valid = returnPaths.get("a@remote.test");
        String forged = valid.replace("=remote.test=a@", "=remote.test=victim@");

        assertThat(rcptReply(ports.get(INBOUND), "", forged)).startsWith("550 5.1.1").contains("VERP signature invalid");
        assertThat(rcptReply(ports.get(INBOUND), "", valid, returnPaths.get("b@remote.test")))
            .startsWith("550 5.7.1").contains("backscatter");
        assertThat(webAdmin.get("/postbridge/suppressions/crm/victim@remote.test").statusCode()).isEqualTo(404);
    }

    @Test
    void anAccountsPolicySuppressesAtItsOwnThresholdAndDropsInsteadOfRejecting() throws Exception {
        assertThat(webAdmin.put("/postbridge/suppressions/strict/policy",
            "{\"softBounces\":1,\"enforcement\":\"accept-and-drop\",\"forwardBounces\":false}").statusCode()).isEqualTo(200);
        JsonNode policy = webAdmin.getJson("/postbridge/suppressions/strict/policy");
        assertThat(policy.path("enforcement").asText()).isEqualTo("accept-and-drop");
        assertThat(webAdmin.getJson("/postbridge/suppressions/crm/policy").path("softBounces").asInt()).isEqualTo(3);

        String returnPath = strictSend("strict-1@test", "full@remote.test");
        try (SmtpClient smtp = SmtpClient.connect(ports.get(INBOUND))) {
            smtp.ehlo();
            assertThat(smtp.send("", returnPath, opaqueBounce("dsn-strict-1@mx.remote.test")
                .replace("forwarded-copy@elsewhere.test", "full@remote.test").replace("5.1.1", "4.2.2")
                .replace("550 4.2.2 User unknown", "452 4.2.2 Mailbox full"))).startsWith("250");
        }

        AWAIT.ignoreExceptions().untilAsserted(() -> assertThat(webAdmin.getJson("/postbridge/suppressions/strict/full@remote.test").path("reason").asText())
            .as("one soft bounce suppresses for this account").isEqualTo("soft-bounces"));
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            smtp.ehlo();
            smtp.startTls();
            smtp.authPlain("strict", strictKey);
            assertThat(smtp.send("ops@example.com", "full@remote.test",
                SmtpClient.message("ops@example.com", "full@remote.test", "again", "strict-2@test", "hi"))).as("accepted").startsWith("250");
        }
        AWAIT.until(() -> webAdmin.getJson("/postbridge/events?type=dropped&account=strict&limit=50").findValuesAsText("detail").stream()
            .anyMatch(d -> d.contains("suppressed since")));
        assertThat(delivered("strict-2@test")).as("dropped, never sent").isEmpty();
    }

    private static String strictSend(String id, String recipient) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            smtp.ehlo();
            smtp.startTls();
            smtp.authPlain("strict", strictKey);
            assertThat(smtp.send("ops@example.com", recipient, SmtpClient.message("ops@example.com", recipient, "hello", id, "hi")))
                .startsWith("250");
        }
        AWAIT.until(() -> delivered(id).size() == 1);
        return delivered(id).get(0).getEnvelopeSender();
    }
}
