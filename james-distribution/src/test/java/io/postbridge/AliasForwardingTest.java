package io.postbridge;

import static io.postbridge.it.PostbridgeJames.INBOUND;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.internet.MimeMessage;

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

import io.postbridge.core.srs.SrsCodec;
import io.postbridge.core.srs.SrsSettings;
import io.postbridge.it.AliasXml;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Alias forwarding in a real in-process James: mail sent over SMTP to the inbound port, aliases written in the
 * repository's conf/mailetcontainer.xml (plus run-time ones through WebAdmin), a fake MX standing in for every
 * external domain, asserting envelopes and headers as they arrive there.
 */
class AliasForwardingTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200));
    private static final String SECRET = "s3cr3t";
    private static final String ALIASES = "<aliases>"
        + "<alias address='info@example.com'><target>alice@example.com</target><target>carol@remote.test</target></alias>"
        + "<alias address='sales@example.com' keepTag='true'><target>dave@remote.test</target></alias>"
        + "<alias address='team@example.com'><target>info@example.com</target><target>erin@remote.test</target></alias>"
        + "<alias address='old@example.com' disabled='reject'><target>alice@example.com</target></alias>"
        + "<alias address='trap@example.com' disabled='drop'/>"
        + "<alias address='support-*@example.com'><target>helpdesk+$1@remote.test</target></alias>"
        + "<alias address='ping-*@example.com'><target>pong-$1@example.com</target></alias>"
        + "<alias address='pong-*@example.com'><target>ping-$1@example.com</target></alias>"
        + "<alias address='wide@example.com'><target>w1@remote.test</target><target>w2@remote.test</target>"
        + "<target>w3@remote.test</target><target>w4@remote.test</target><target>w5@remote.test</target>"
        + "<target>w6@remote.test</target></alias>"
        + "<alias address='three-a@example.com'><target>a1@remote.test</target><target>a2@remote.test</target>"
        + "<target>a3@remote.test</target></alias>"
        + "<alias address='three-b@example.com'><target>b1@remote.test</target><target>b2@remote.test</target>"
        + "<target>b3@remote.test</target></alias>"
        + "<alias address='override@example.com'><target>frank@remote.test</target></alias>"
        + "<alias address='@catchall.test'><target>gina@remote.test</target></alias>"
        + "<alias address='srsbounce@example.com'><target>hank@remote.test</target><target>alice@example.com</target></alias>"
        + "</aliases>";

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        conf.relayThrough(mx.hostAndPort(), "1 second");
        conf.mailetParameter(AliasXml.MAILET, "maxTargetsPerMessage", "5");
        AliasXml.aliases(conf, ALIASES);
        AliasXml.secrets(conf, SECRET);
    });

    private static int inbound;
    private static WebAdmin webAdmin;
    private static final SrsCodec SRS = new SrsCodec(SrsSettings.builder().secret(SECRET).build(), Clock.systemUTC());

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        inbound = PostbridgeJames.smtpPorts(server).get(INBOUND);
        webAdmin = PostbridgeJames.webAdmin(server);
        webAdmin.addUser("alice@example.com", "alice-secret");
        assertThat(webAdmin.put("/domains/catchall.test", "").statusCode()).isEqualTo(204);
    }

    @Test
    void aliasWithALocalAndAnExternalTarget() throws Exception {
        String id = "fwd-1@test";
        assertThat(send("sender@elsewhere.test", "info@example.com", message(id, "Received: from origin.test "
            + "(origin.test [192.0.2.1]) by mx.elsewhere.test; Sat, 21 Nov 2026 09:59:00 +0000\r\n")))
            .startsWith("250");

        WiserMessage external = awaitAt(id, "carol@remote.test");
        // SRS0 in our domain, which the reference scheme reverses to the original sender
        assertThat(external.getEnvelopeSender()).matches("SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=elsewhere\\.test=sender@example\\.com");
        assertThat(SRS.reverse(external.getEnvelopeSender())).isEqualTo("sender@elsewhere.test");
        MimeMessage forwarded = external.getMimeMessage();
        assertThat(forwarded.getHeader("Delivered-To")).containsExactly("info@example.com");
        assertThat(forwarded.getHeader("X-Original-To")).containsExactly("info@example.com");
        // the Received trail is kept: the sender's hop and ours
        assertThat(Arrays.stream(forwarded.getHeader("Received")).collect(Collectors.joining("\n")))
            .contains("by mx.elsewhere.test").contains("client.test");
        assertThat(forwarded.getHeader("From")).containsExactly("sender@elsewhere.test");
        assertThat(new String(external.getData(), StandardCharsets.UTF_8)).contains("body of " + id);

        AWAIT.until(() -> deliveredLocallyTo(id, "alice@example.com"));
        assertThat(mx.messages().stream().filter(m -> FakeMx.messageId(m).equals("<" + id + ">"))
            .map(WiserMessage::getEnvelopeReceiver)).containsExactly("carol@remote.test");
    }

    @Test
    void plusAddressingKeepsTheTagWhenTheAliasSaysSo() throws Exception {
        assertThat(send("sender@elsewhere.test", "sales+news@example.com", message("tag-1@test", ""))).startsWith("250");
        WiserMessage kept = awaitAt("tag-1@test", "dave+news@remote.test");
        assertThat(kept.getMimeMessage().getHeader("X-Original-To")).containsExactly("sales+news@example.com");
        assertThat(kept.getMimeMessage().getHeader("Delivered-To")).containsExactly("sales@example.com");

        assertThat(send("sender@elsewhere.test", "info+x@example.com", message("tag-2@test", ""))).startsWith("250");
        assertThat(awaitAt("tag-2@test", "carol@remote.test").getMimeMessage().getHeader("X-Original-To"))
            .containsExactly("info+x@example.com");
    }

    @Test
    void aliasOfAliasesReachesEveryFinalTarget() throws Exception {
        assertThat(send("sender@elsewhere.test", "team@example.com", message("nest-1@test", ""))).startsWith("250");
        awaitAt("nest-1@test", "carol@remote.test");
        awaitAt("nest-1@test", "erin@remote.test");
        AWAIT.until(() -> deliveredLocallyTo("nest-1@test", "alice@example.com"));
    }

    @Test
    void wildcardPatternFillsTheTarget() throws Exception {
        assertThat(send("sender@elsewhere.test", "support-billing@example.com", message("wild-1@test", ""))).startsWith("250");
        awaitAt("wild-1@test", "helpdesk+billing@remote.test");
    }

    @Test
    void catchAllOfADomain() throws Exception {
        assertThat(send("sender@elsewhere.test", "anything@catchall.test", message("catch-1@test", ""))).startsWith("250");
        assertThat(awaitAt("catch-1@test", "gina@remote.test").getMimeMessage().getHeader("Delivered-To"))
            .containsExactly("anything@catchall.test");
    }

    @Test
    void nullSenderStaysNull() throws Exception {
        assertThat(send("", "info@example.com", message("null-1@test", ""))).startsWith("250");
        assertThat(awaitAt("null-1@test", "carol@remote.test").getEnvelopeSender()).isNullOrEmpty();
    }

    @Test
    void disabledAliasThatDropsAcceptsAndDiscards() throws Exception {
        assertThat(send("sender@elsewhere.test", "trap@example.com", message("drop-1@test", ""))).startsWith("250");
        AWAIT.until(() -> Events.typesFor(webAdmin, "drop-1@test").contains("dropped"));
        assertThat(Events.eventsFor(webAdmin, "drop-1@test")).anySatisfy(event ->
            assertThat(event.path("detail").asText()).contains("disabled"));
        assertThat(Events.typesFor(webAdmin, "drop-1@test")).doesNotContain("delivered", "queued");
    }

    @Test
    void unknownLocalRecipientIsRefusedAndUsersAndAliasesAreAccepted() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            assertThat(smtp.mailFrom("sender@elsewhere.test")).startsWith("250");
            assertThat(smtp.rcptTo("nobody@example.com")).startsWith("550 5.1.1");
            assertThat(smtp.rcptTo("nobody@catchall.test")).startsWith("250");
            assertThat(smtp.rcptTo("alice@example.com")).startsWith("250");
            assertThat(smtp.rcptTo("info@example.com")).startsWith("250");
            assertThat(smtp.rcptTo("Sales+Anything@Example.com")).startsWith("250");
        }
    }

    @Test
    void disabledAliasThatRejects() throws Exception {
        assertThat(rcptReply("old@example.com")).isEqualTo("550 5.2.1 <old@example.com>: this address is disabled");
    }

    @Test
    void aliasLoopIsRefused() throws Exception {
        assertThat(rcptReply("ping-a@example.com")).startsWith("550 5.4.6");
    }

    /** The inbound listener's answer to RCPT TO:{@code recipient} from a foreign sender. */
    private static String rcptReply(String recipient) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            smtp.mailFrom("sender@elsewhere.test");
            return smtp.rcptTo(recipient);
        }
    }

    @Test
    void targetCapPerMessage() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            smtp.mailFrom("sender@elsewhere.test");
            assertThat(smtp.rcptTo("wide@example.com")).startsWith("550 5.5.3");
            assertThat(smtp.rcptTo("three-a@example.com")).startsWith("250");
            // 3 + 3 > 5: the client is told to send this one in another transaction
            assertThat(smtp.rcptTo("three-b@example.com")).startsWith("452 4.5.3");
        }
    }

    @Test
    void forgedAndExpiredSrsAddressesAreRefused() throws Exception {
        String expired = new SrsCodec(SrsSettings.builder().secret(SECRET).build(),
            Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC)).forward("x@elsewhere.test", "example.com");
        String otherSecret = new SrsCodec(SrsSettings.builder().secret("not-ours").build(), Clock.systemUTC())
            .forward("x@elsewhere.test", "example.com");
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            smtp.mailFrom("");
            assertThat(smtp.rcptTo("SRS0=AAAA=UH=elsewhere.test=x@example.com")).startsWith("550 5.1.1").contains("hash invalid");
            assertThat(smtp.rcptTo(otherSecret)).startsWith("550 5.1.1").contains("hash invalid");
            assertThat(smtp.rcptTo(expired)).startsWith("550 5.1.1").contains("expired");
            assertThat(smtp.rcptTo(SRS.forward("x@elsewhere.test", "example.com"))).startsWith("250");
        }
    }

    @Test
    void aBounceToSeveralOfOurSrsAddressesIsRefusedAsBackscatter() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            smtp.mailFrom("");
            assertThat(smtp.rcptTo(SRS.forward("x@elsewhere.test", "example.com"))).startsWith("250");
            assertThat(smtp.rcptTo(SRS.forward("y@elsewhere.test", "example.com"))).startsWith("550 5.7.1").contains("backscatter");
            smtp.rset();
            smtp.mailFrom("");
            assertThat(smtp.rcptTo(SRS.forward("y@elsewhere.test", "example.com"))).as("a new transaction").startsWith("250");
        }
    }

    @Test
    void bounceToOurSrsAddressReachesTheOriginalSender() throws Exception {
        assertThat(send("sender@elsewhere.test", "info@example.com", message("srs-back-1@test", ""))).startsWith("250");
        String srsSender = awaitAt("srs-back-1@test", "carol@remote.test").getEnvelopeSender();

        // the remote side bounces to the SRS address it saw
        assertThat(send("", srsSender, dsn("srs-dsn-1@test", "carol@remote.test"))).startsWith("250");
        WiserMessage returned = awaitAt("srs-dsn-1@test", "sender@elsewhere.test");
        assertThat(returned.getEnvelopeSender()).isNullOrEmpty();
    }

    @Test
    void aBounceToTheSrsAddressSuppressesTheAliasTargetUntilWebAdminRemovesIt() throws Exception {
        assertThat(send("sender@elsewhere.test", "srsbounce@example.com", message("srs-link-1@test", ""))).startsWith("250");
        String srsSender = awaitAt("srs-link-1@test", "hank@remote.test").getEnvelopeSender();

        // hank's server accepted the copy, then bounced it to the SRS address: hank does not exist
        assertThat(send("", srsSender, dsnWithOriginal("srs-link-dsn-1@test", "hank@remote.test", "5.1.1",
            "550 5.1.1 <hank@remote.test>: Recipient address rejected: User unknown", "srs-link-1@test", "srsbounce@example.com")))
            .startsWith("250");
        JsonNode event = AWAIT.until(() -> bounceEventAbout("hank@remote.test"), java.util.Objects::nonNull);
        assertThat(event.path("detail").asText()).contains("forwarded by alias srsbounce@example.com")
            .contains("original sender sender@elsewhere.test")
            .contains("hank@remote.test 5.1.1 hard userunknown").contains("-> suppressed (hard-bounce)");
        assertThat(event.path("recipients").toString()).contains("hank@remote.test").doesNotContain("SRS0");
        JsonNode entry = WebAdmin.parse(webAdmin.get("/postbridge/suppressions/forwarding/hank@remote.test").body());
        assertThat(entry.path("scope").asText()).isEqualTo("forwarding");
        assertThat(entry.path("reason").asText()).isEqualTo("hard-bounce");
        // the original sender still gets the bounce
        assertThat(awaitAt("srs-link-dsn-1@test", "sender@elsewhere.test").getEnvelopeSender()).isNullOrEmpty();

        // the alias no longer forwards to hank; its local target still gets the mail
        assertThat(send("sender@elsewhere.test", "srsbounce@example.com", message("srs-link-2@test", ""))).startsWith("250");
        AWAIT.until(() -> deliveredLocallyTo("srs-link-2@test", "alice@example.com"));
        AWAIT.until(() -> Events.eventsFor(webAdmin, "srs-link-2@test").stream().anyMatch(e -> e.path("type").asText().equals("dropped")
            && e.path("detail").asText().contains("target hank@remote.test suppressed since")));
        assertThat(mx.messageIds()).doesNotContain("<srs-link-2@test>");

        assertThat(webAdmin.delete("/postbridge/suppressions/forwarding/hank@remote.test").statusCode()).isEqualTo(204);
        assertThat(send("sender@elsewhere.test", "srsbounce@example.com", message("srs-link-3@test", ""))).startsWith("250");
        awaitAt("srs-link-3@test", "hank@remote.test");
    }

    private static JsonNode bounceEventAbout(String recipient) throws Exception {
        for (JsonNode event : webAdmin.getJson("/postbridge/events?type=bounce-received&limit=100")) {
            if (event.path("detail").asText().contains(recipient)) {
                return event;
            }
        }
        return null;
    }

    @Test
    void forwardedCopyComingBackIsAMailLoopAndBouncesWithAReason() throws Exception {
        assertThat(send("sender@elsewhere.test", "info@example.com", message("loop-1@test", ""))).startsWith("250");
        WiserMessage forwarded = awaitAt("loop-1@test", "carol@remote.test");

        // carol's server forwards it back to us, unchanged, from the SRS sender
        String raw = new String(forwarded.getData(), StandardCharsets.UTF_8);
        assertThat(send(forwarded.getEnvelopeSender(), "info@example.com", raw)).startsWith("250");

        // the DSN goes to the SRS sender, which we reverse: the original sender learns about the loop
        WiserMessage dsn = AWAIT.until(() -> mx.messages().stream()
            .filter(m -> m.getEnvelopeReceiver().equals("sender@elsewhere.test"))
            .filter(m -> new String(m.getData(), StandardCharsets.UTF_8).contains("loop-1@test"))
            .findFirst(), Optional::isPresent).get();
        String text = new String(dsn.getData(), StandardCharsets.UTF_8);
        assertThat(dsn.getEnvelopeSender()).isNullOrEmpty();
        assertThat(dsn.getMimeMessage().getContentType()).contains("multipart/report");
        assertThat(text).contains("5.4.6").contains("mail loop detected").contains("info@example.com");
        // carol got exactly one copy
        assertThat(mx.messages().stream().filter(m -> FakeMx.messageId(m).equals("<loop-1@test>"))
            .filter(m -> m.getEnvelopeReceiver().equals("carol@remote.test"))).hasSize(1);
    }

    @Test
    void aliasAddedThroughWebAdminForwardsMail() throws Exception {
        assertThat(webAdmin.put("/postbridge/aliases/runtime@example.com", "{\"targets\":[\"henry@remote.test\"]}")
            .statusCode()).isEqualTo(204);
        assertThat(send("sender@elsewhere.test", "runtime@example.com", message("rt-1@test", ""))).startsWith("250");
        awaitAt("rt-1@test", "henry@remote.test");

        JsonNode alias = webAdmin.getJson("/postbridge/aliases/runtime@example.com");
        assertThat(alias.path("origin").asText()).isEqualTo("webadmin");
        assertThat(alias.path("targets").get(0).asText()).isEqualTo("henry@remote.test");
    }

    @Test
    void runTimeAliasOverridesTheConfiguredOneUntilDeleted() throws Exception {
        assertThat(webAdmin.put("/postbridge/aliases/override@example.com", "{\"targets\":[\"ivan@remote.test\"]}")
            .statusCode()).isEqualTo(204);
        JsonNode listed = findListed("override@example.com");
        assertThat(listed.path("origin").asText()).isEqualTo("webadmin");
        assertThat(listed.path("overridesConfigured").asBoolean()).isTrue();
        assertThat(send("sender@elsewhere.test", "override@example.com", message("ovr-1@test", ""))).startsWith("250");
        awaitAt("ovr-1@test", "ivan@remote.test");

        assertThat(webAdmin.delete("/postbridge/aliases/override@example.com").statusCode()).isEqualTo(204);
        assertThat(findListed("override@example.com").path("origin").asText()).isEqualTo("mailetcontainer.xml");
        assertThat(send("sender@elsewhere.test", "override@example.com", message("ovr-2@test", ""))).startsWith("250");
        awaitAt("ovr-2@test", "frank@remote.test");
    }

    @Test
    void disablingAnAliasAtRunTimeTakesEffectAtRcpt() throws Exception {
        assertThat(webAdmin.put("/postbridge/aliases/support-vip@example.com", "{\"disabled\":\"reject\"}")
            .statusCode()).isEqualTo(204);
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            smtp.mailFrom("sender@elsewhere.test");
            assertThat(smtp.rcptTo("support-vip@example.com")).startsWith("550 5.2.1");
            assertThat(smtp.rcptTo("support-other@example.com")).startsWith("250");
        }
    }

    @Test
    void badRequestsAreExplained() throws Exception {
        HttpResponse<String> noTarget = webAdmin.put("/postbridge/aliases/x@example.com", "{\"targets\":[]}");
        assertThat(noTarget.statusCode()).isEqualTo(400);
        assertThat(WebAdmin.parse(noTarget.body()).path("message").asText()).contains("at least one target");

        HttpResponse<String> badTarget = webAdmin.put("/postbridge/aliases/x@example.com", "{\"targets\":[\"nope\"]}");
        assertThat(WebAdmin.parse(badTarget.body()).path("message").asText()).contains("'nope' is not an address");

        HttpResponse<String> badField = webAdmin.put("/postbridge/aliases/x@example.com", "{\"target\":[\"a@b.test\"]}");
        assertThat(badField.statusCode()).isEqualTo(400);
        assertThat(WebAdmin.parse(badField.body()).path("message").asText()).contains("unknown field");

        HttpResponse<String> badAddress = webAdmin.put("/postbridge/aliases/no-domain", "{\"targets\":[\"a@b.test\"]}");
        assertThat(badAddress.statusCode()).isEqualTo(400);

        assertThat(webAdmin.put("/postbridge/aliases/cycle-a@example.com", "{\"targets\":[\"cycle-b@example.com\"]}")
            .statusCode()).isEqualTo(204);
        HttpResponse<String> cycle = webAdmin.put("/postbridge/aliases/cycle-b@example.com",
            "{\"targets\":[\"cycle-a@example.com\"]}");
        assertThat(cycle.statusCode()).isEqualTo(400);
        assertThat(WebAdmin.parse(cycle.body()).path("message").asText())
            .contains("cycle-a@example.com -> cycle-b@example.com -> cycle-a@example.com");

        HttpResponse<String> configuredOnly = webAdmin.delete("/postbridge/aliases/info@example.com");
        assertThat(configuredOnly.statusCode()).isEqualTo(404);
        assertThat(WebAdmin.parse(configuredOnly.body()).path("message").asText()).contains("mailetcontainer.xml");
        assertThat(webAdmin.get("/postbridge/aliases/unknown@example.com").statusCode()).isEqualTo(404);
    }

    @Test
    void resolutionShowsWhatMailToAnAddressWouldDo() throws Exception {
        JsonNode resolution = webAdmin.getJson("/postbridge/aliases/"
            + URLEncoder.encode("team+x@example.com", StandardCharsets.UTF_8).replace("+", "%2B") + "/resolution");
        assertThat(resolution.path("outcome").asText()).isEqualTo("forward");
        assertThat(resolution.path("alias").asText()).isEqualTo("team@example.com");
        assertThat(resolution.path("origin").asText()).isEqualTo("mailetcontainer.xml");
        assertThat(resolution.path("targets").findValuesAsText("address"))
            .containsExactly("alice@example.com", "carol@remote.test", "erin@remote.test");
        assertThat(resolution.path("targets").findValuesAsText("deliverable")).containsOnly("true");
        assertThat(webAdmin.put("/postbridge/aliases/typo@example.com", "{\"targets\":[\"alcie@example.com\"]}")
            .statusCode()).isEqualTo(204);
        JsonNode typo = webAdmin.getJson("/postbridge/aliases/typo@example.com/resolution").path("targets").get(0);
        assertThat(typo.path("local").asBoolean()).isTrue();
        assertThat(typo.path("deliverable").isBoolean()).as(typo.toString()).isTrue();
        assertThat(typo.path("deliverable").asBoolean()).isFalse();
        assertThat(webAdmin.getJson("/postbridge/aliases/ping-x@example.com/resolution").path("detail").asText())
            .contains("alias loop");
    }

    private static JsonNode findListed(String address) throws Exception {
        for (JsonNode alias : webAdmin.getJson("/postbridge/aliases")) {
            if (alias.path("address").asText().equals(address)) {
                return alias;
            }
        }
        throw new AssertionError(address + " not listed");
    }

    private static String send(String sender, String recipient, String message) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            return smtp.send(sender, recipient, message);
        }
    }

    private static String message(String messageId, String extraHeaders) {
        return extraHeaders + SmtpClient.message("sender@elsewhere.test", "alias@example.com", "forward me", messageId,
            "body of " + messageId);
    }

    private static String dsn(String messageId, String failed) {
        return "From: MAILER-DAEMON@remote.test\r\n"
            + "To: whoever\r\n"
            + "Subject: Undelivered Mail Returned to Sender\r\n"
            + "Message-ID: <" + messageId + ">\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n"
            + "\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            + "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; remote.test\r\n\r\n"
            + "Final-Recipient: rfc822; " + failed + "\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n"
            + "--b1--\r\n";
    }

    /** A remote MX's report with the returned copy's headers (as forwarded: Delivered-To names the alias). */
    private static String dsnWithOriginal(String messageId, String failed, String status, String reply, String originalId,
                                          String alias) {
        return "From: Mail Delivery System <MAILER-DAEMON@remote.test>\r\nTo: whoever\r\n"
            + "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <" + messageId + ">\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b2\"\r\n\r\n"
            + "--b2\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            + "--b2\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; remote.test\r\n\r\n"
            + "Final-Recipient: rfc822; " + failed + "\r\nAction: failed\r\nStatus: " + status + "\r\n"
            + "Diagnostic-Code: smtp; " + reply + "\r\n\r\n"
            + "--b2\r\nContent-Type: text/rfc822-headers\r\n\r\nDelivered-To: " + alias + "\r\nFrom: sender@elsewhere.test\r\n"
            + "To: " + alias + "\r\nMessage-ID: <" + originalId + ">\r\nSubject: forward me\r\n\r\n--b2--\r\n";
    }

    private static WiserMessage awaitAt(String messageId, String envelopeReceiver) {
        return AWAIT.until(() -> mx.messages().stream()
            .filter(m -> FakeMx.messageId(m).equals("<" + messageId + ">"))
            .filter(m -> m.getEnvelopeReceiver().equals(envelopeReceiver))
            .findFirst(), Optional::isPresent).get();
    }

    private static boolean deliveredLocallyTo(String messageId, String recipient) throws Exception {
        List<JsonNode> events = Events.eventsFor(webAdmin, messageId);
        return events.stream().anyMatch(event -> event.path("type").asText().equals("delivered")
            && event.path("detail").asText().equals("local mailbox")
            && event.path("recipients").toString().contains(recipient));
    }
}
