package io.postbridge;

import static io.postbridge.it.PostbridgeJames.INBOUND;
import static io.postbridge.it.PostbridgeJames.SMTPS;
import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import javax.mail.internet.InternetAddress;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.subethamail.wiser.WiserMessage;

import io.postbridge.it.Accounts;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Accounts, API keys, sender policy, trusted networks and rate limits in a real in-process James, over real
 * SMTP with STARTTLS: every reply code a client can get.
 */
class AccountsSmtpTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> conf.relayThrough(mx.hostAndPort(), "1 second")
        // this class makes many failed attempts from 127.0.0.1 on purpose; BruteForceSmtpTest covers the throttle
        .property("postbridge.properties", "auth.failures.max", "1000"));

    private static Map<String, Integer> ports;
    private static WebAdmin webAdmin;
    private static Accounts accounts;
    private static String erpKey;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        ports = PostbridgeJames.smtpPorts(server);
        webAdmin = PostbridgeJames.webAdmin(server);
        accounts = new Accounts(webAdmin);
        accounts.create("erp").allowSender("erp", "app@example.com").allowSender("erp", "@billing.example.com");
        erpKey = accounts.issueKey("erp").key;
    }

    private static SmtpClient submission() throws Exception {
        SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION));
        smtp.ehlo();
        assertThat(smtp.startTls()).startsWith("250");
        return smtp;
    }

    private static WiserMessage delivered(String messageId) {
        AWAIT.until(() -> mx.messageIds().contains("<" + messageId + ">"));
        return mx.messages().stream().filter(m -> FakeMx.messageId(m).equals("<" + messageId + ">")).findFirst().orElseThrow();
    }

    @Test
    void accountWithItsApiKeySendsAsAnAllowedSender() throws Exception {
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("erp", erpKey)).startsWith("235 2.7.0");
            assertThat(smtp.send("app@example.com", "bob@remote.test",
                SmtpClient.message("app@example.com", "bob@remote.test", "invoice", "acct-ok-1@test", "hello from erp")))
                .startsWith("250");
        }
        WiserMessage message = delivered("acct-ok-1@test");
        assertThat(message.getEnvelopeSender()).isEqualTo("app@example.com");
        AWAIT.until(() -> Events.typesFor(webAdmin, "acct-ok-1@test").contains("delivered"));
        assertThat(Events.eventsFor(webAdmin, "acct-ok-1@test").get(0).path("account").asText()).isEqualTo("erp");
    }

    @Test
    void aSenderAddressIsAcceptedAsUsernameWithAuthLoginAndOnTheImplicitTlsPort() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SMTPS), true)) {
            smtp.ehlo();
            assertThat(smtp.authLogin("app@example.com", erpKey)).startsWith("235 2.7.0");
            assertThat(smtp.send("invoices@billing.example.com", "carol@remote.test",
                SmtpClient.message("invoices@billing.example.com", "carol@remote.test", "domain", "acct-ok-2@test", "domain sender")))
                .startsWith("250");
        }
        assertThat(delivered("acct-ok-2@test").getEnvelopeSender()).isEqualTo("invoices@billing.example.com");
    }

    @Test
    void wrongKeyIsRefused() throws Exception {
        String wrong = erpKey.substring(0, erpKey.length() - 2) + (erpKey.endsWith("AA") ? "BB" : "AA");
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("erp", wrong)).startsWith("535 5.7.8");
            assertThat(smtp.authPlain("erp", "not-a-key-at-all")).startsWith("535 5.7.8");
            assertThat(smtp.authPlain("someone-else", erpKey)).as("right key, another username").startsWith("535 5.7.8");
            assertThat(smtp.mailFrom("app@example.com")).as("a local sender needs AUTH").startsWith("530 5.7.1");
            assertThat(smtp.mailFrom("someone@other.test")).startsWith("250");
            assertThat(smtp.rcptTo("bob@remote.test")).as("still not allowed to relay").startsWith("530 5.7.1");
        }
    }

    @Test
    void revokedKeyIsRefusedWhileAnotherLiveKeyWorks() throws Exception {
        accounts.create("rotating").allowSender("rotating", "rot@example.com");
        Accounts.IssuedKey old = accounts.issueKey("rotating");
        Accounts.IssuedKey fresh = accounts.issueKey("rotating");
        accounts.revokeKey("rotating", old.keyId);
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("rotating", old.key)).startsWith("535 5.7.8");
        }
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("rotating", fresh.key)).startsWith("235");
        }
    }

    @Test
    void disabledAccountCannotAuthenticate() throws Exception {
        accounts.create("paused").allowSender("paused", "paused@example.com");
        String key = accounts.issueKey("paused").key;
        accounts.update("paused", "{\"enabled\": false}");
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("paused", key)).startsWith("535 5.7.8").contains("disabled");
        }
        accounts.update("paused", "{\"enabled\": true}");
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("paused", key)).startsWith("235");
        }
    }

    @Test
    void authBeforeTlsIsRefusedNotJustHidden() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            assertThat(smtp.ehlo()).doesNotContain("AUTH");
            assertThat(smtp.authPlain("erp", erpKey)).startsWith("538 5.7.11");
            assertThat(smtp.authLogin("erp", erpKey)).startsWith("538 5.7.11");
            assertThat(smtp.mailFrom("app@example.com")).as("a local sender needs AUTH").startsWith("530 5.7.1");
            assertThat(smtp.mailFrom("someone@other.test")).startsWith("250");
            // AUTH is not announced before TLS, so James answers "relaying denied" rather than "authentication required"
            assertThat(smtp.rcptTo("bob@remote.test")).startsWith("550 5.7.1");
        }
    }

    @Test
    void foreignEnvelopeSenderIsRefusedAtMailTime() throws Exception {
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("erp", erpKey)).startsWith("235");
            assertThat(smtp.mailFrom("ceo@other-company.test")).startsWith("550 5.7.1").contains("erp");
            assertThat(smtp.mailFrom("")).as("null sender").startsWith("550 5.7.1");
            assertThat(smtp.mailFrom("app@example.com")).startsWith("250");
        }
    }

    @Test
    void foreignHeaderFromIsRefusedAtTheEndOfData() throws Exception {
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("erp", erpKey)).startsWith("235");
            assertThat(smtp.mailFrom("app@example.com")).startsWith("250");
            assertThat(smtp.rcptTo("bob@remote.test")).startsWith("250");
            assertThat(smtp.data(SmtpClient.message("\"The CEO\" <ceo@other-company.test>", "bob@remote.test", "spoof",
                "acct-spoof@test", "pay this"))).startsWith("550 5.7.1").contains("ceo@other-company.test");
            // the same session can still send a correct message
            assertThat(smtp.send("app@example.com", "bob@remote.test",
                SmtpClient.message("app@example.com", "bob@remote.test", "fine", "acct-after-spoof@test", "ok"))).startsWith("250");
        }
        delivered("acct-after-spoof@test");
        assertThat(mx.messageIds()).doesNotContain("<acct-spoof@test>");
    }

    @Test
    void fromOverrideRewritesHeaderAndEnvelopeForAppsThatCannotSetThem() throws Exception {
        accounts.create("scanner-app", "{\"fromOverride\": \"scans@example.com\"}").allowSender("scanner-app", "scans@example.com");
        String key = accounts.issueKey("scanner-app").key;
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.authPlain("scanner-app", key)).startsWith("235");
            assertThat(smtp.send("root@localhost.localdomain", "dave@remote.test",
                SmtpClient.message("Scanner <root@localhost.localdomain>", "dave@remote.test", "scan", "acct-override@test", "scan.pdf")))
                .startsWith("250");
        }
        WiserMessage message = delivered("acct-override@test");
        assertThat(message.getEnvelopeSender()).isEqualTo("scans@example.com");
        assertThat(((InternetAddress) message.getMimeMessage().getFrom()[0]).getAddress()).isEqualTo("scans@example.com");
        assertThat(message.getMimeMessage().getSubject()).isEqualTo("scan");
    }

    @Test
    void messagesPerMinuteLimitRefusesAtMailTime() throws Exception {
        accounts.create("bursty").allowSender("bursty", "bursty@example.com").limits("bursty", "{\"messagesPerMinute\": 2}");
        String key = accounts.issueKey("bursty").key;
        String refusal = withinOneWindow(ChronoUnit.MINUTES, () -> {
            try (SmtpClient smtp = submission()) {
                assertThat(smtp.authPlain("bursty", key)).startsWith("235");
                assertThat(smtp.mailFrom("bursty@example.com")).startsWith("250");
                smtp.rset();
                assertThat(smtp.mailFrom("bursty@example.com")).startsWith("250");
                smtp.rset();
                return smtp.mailFrom("bursty@example.com");
            }
        });
        assertThat(refusal).startsWith("451 4.7.1").contains("account 'bursty' may send 2 messages per minute");
    }

    @Test
    void recipientsPerDayLimitRefusesAtRcptTime() throws Exception {
        accounts.create("wide").allowSender("wide", "wide@example.com").limits("wide", "{\"recipientsPerDay\": 3}");
        String key = accounts.issueKey("wide").key;
        String refusal = withinOneWindow(ChronoUnit.DAYS, () -> {
            try (SmtpClient smtp = submission()) {
                assertThat(smtp.authPlain("wide", key)).startsWith("235");
                assertThat(smtp.mailFrom("wide@example.com")).startsWith("250");
                assertThat(smtp.rcptTo("r1@remote.test")).startsWith("250");
                assertThat(smtp.rcptTo("r2@remote.test")).startsWith("250");
                assertThat(smtp.rcptTo("r3@remote.test")).startsWith("250");
                return smtp.rcptTo("r4@remote.test");
            }
        });
        assertThat(refusal).startsWith("452 4.7.1").contains("account 'wide' may send to 3 recipients per day");
    }

    @Test
    void unauthenticatedClientFromAnUntrustedAddressCannotRelay() throws Exception {
        accounts.create("far-printers").allowSender("far-printers", "printer@example.com").trustNetwork("far-printers", "10.20.0.0/16");
        try (SmtpClient smtp = SmtpClient.connectFrom(ports.get(SUBMISSION), "127.0.0.7", false)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.mailFrom("printer@example.com")).as("a local sender needs AUTH").startsWith("530 5.7.1");
            assertThat(smtp.mailFrom("printer@far.test")).startsWith("250");
            assertThat(smtp.rcptTo("bob@remote.test")).startsWith("530 5.7.1");
        }
        try (SmtpClient smtp = SmtpClient.connectFrom(ports.get(INBOUND), "127.0.0.7", false)) {
            smtp.ehlo();
            assertThat(smtp.mailFrom("printer@example.com")).startsWith("250");
            assertThat(smtp.rcptTo("bob@remote.test")).startsWith("550 5.7.1");
        }
    }

    @Test
    void deviceInATrustedNetworkSendsWithoutAuthUnderItsAccountPolicy() throws Exception {
        accounts.create("printers").allowSender("printers", "printer@example.com").trustNetwork("printers", "127.0.0.8/32");
        try (SmtpClient smtp = SmtpClient.connectFrom(ports.get(INBOUND), "127.0.0.8", false)) {
            smtp.ehlo();
            assertThat(smtp.mailFrom("ceo@other-company.test")).as("sender policy applies").startsWith("550 5.7.1");
            assertThat(smtp.send("printer@example.com", "erin@remote.test",
                SmtpClient.message("printer@example.com", "erin@remote.test", "scan", "printer-1@test", "scanned page"))).startsWith("250");
        }
        assertThat(delivered("printer-1@test").getEnvelopeSender()).isEqualTo("printer@example.com");
        AWAIT.until(() -> Events.typesFor(webAdmin, "printer-1@test").contains("delivered"));
        assertThat(Events.eventsFor(webAdmin, "printer-1@test").get(0).path("account").asText()).isEqualTo("printers");

        accounts.update("printers", "{\"enabled\": false}");
        try (SmtpClient smtp = SmtpClient.connectFrom(ports.get(INBOUND), "127.0.0.8", false)) {
            smtp.ehlo();
            assertThat(smtp.mailFrom("printer@example.com")).startsWith("250");
            assertThat(smtp.rcptTo("erin@remote.test")).as("a disabled account's network is not trusted").startsWith("550 5.7.1");
        }
    }

    private interface Attempt {
        String run() throws Exception;
    }

    /** Runs the attempt again if it straddled a window boundary (a fixed-window counter starts again there). */
    private static String withinOneWindow(ChronoUnit window, Attempt attempt) throws Exception {
        for (int i = 0; i < 3; i++) {
            Instant before = Instant.now().truncatedTo(window);
            String result = attempt.run();
            if (Instant.now().truncatedTo(window).equals(before)) {
                return result;
            }
        }
        throw new AssertionError("could not run within one " + window + " window");
    }
}
