package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.WiserMessage;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.it.AliasXml;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Bounce handling on the assembled server as a process (one boot), with {@code verp.enabled=true}: an account sends
 * through relay to a local MX that accepts; a DSN comes back to the VERP return path on the inbound port; the event
 * shows the classification; the next RCPT to that recipient gets the suppression reply until WebAdmin removes it;
 * a forged VERP bounce is refused at RCPT; soft bounces suppress at the third within the window and a delivery in
 * between starts the count again; an ARF complaint suppresses with reason complaint; an auto-reply changes nothing;
 * the bounce of a copy an alias forwarded (to its SRS address) suppresses the alias target in the forwarding scope,
 * and a forged SRS bounce is refused at RCPT.
 */
class BounceEndToEndIT {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250));

    @TempDir
    Path tmp;

    @Test
    void aVerpBounceSuppressesUntilWebAdminRemovesItAndAForgedOneIsRefused() throws Exception {
        FakeMx mx = new FakeMx();
        mx.start();
        Ports ports = new Ports();
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second")
                .property("postbridge.properties", "verp.enabled", "true");
            AliasXml.aliases(server.conf(), "<aliases><alias address='fwd@example.com'><target>hank@remote.test</target></alias></aliases>");
            server.start().awaitLog(ServerProcess.READY);
            WebAdmin webAdmin = ports.webAdmin();
            assertThat(webAdmin.put("/postbridge/accounts/crm", "").statusCode()).isEqualTo(201);
            assertThat(webAdmin.put("/postbridge/accounts/crm/senders/app@example.com", "").statusCode()).isEqualTo(201);
            String key = WebAdmin.parse(webAdmin.post("/postbridge/accounts/crm/keys", "").body()).path("key").asText();
            webAdmin.addUser("app@example.com", "secret-password-1");

            try (SmtpClient smtp = submission(ports, key)) {
                assertThat(smtp.send("app@example.com", "gone@remote.test",
                    SmtpClient.message("app@example.com", "gone@remote.test", "hello", "e2e-bounce-1@test", "hi"))).startsWith("250");
            }
            AWAIT.until(() -> mx.messageIds().contains("<e2e-bounce-1@test>"));
            String returnPath = mx.messages().stream().filter(m -> "<e2e-bounce-1@test>".equals(FakeMx.messageId(m)))
                .map(WiserMessage::getEnvelopeSender).findFirst().orElseThrow();
            assertThat(returnPath).startsWith("app+V1=").endsWith("@example.com");

            try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
                smtp.ehlo();
                assertThat(smtp.send("", returnPath, dsn("gone@remote.test", "e2e-bounce-1@test"))).startsWith("250");
            }
            AWAIT.until(() -> bounceEvent(webAdmin) != null);
            JsonNode event = bounceEvent(webAdmin);
            assertThat(event.path("account").asText()).isEqualTo("crm");
            assertThat(event.path("detail").asText()).contains("VERP").contains("gone@remote.test 5.1.1 hard userunknown")
                .contains("-> suppressed (hard-bounce)");

            assertThat(rcpt(ports, key, "gone@remote.test")).startsWith("550 5.1.1 <gone@remote.test>: suppressed since");
            assertThat(webAdmin.delete("/postbridge/suppressions/crm/gone@remote.test").statusCode()).isEqualTo(204);
            assertThat(rcpt(ports, key, "gone@remote.test")).startsWith("250");

            String forged = returnPath.replace("=remote.test=gone@", "=remote.test=someone-else@");
            try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
                smtp.ehlo();
                smtp.mailFrom("");
                assertThat(smtp.rcptTo(forged)).startsWith("550 5.1.1").contains("VERP signature invalid");
            }
            assertThat(webAdmin.get("/postbridge/suppressions/crm/someone-else@remote.test").statusCode()).isEqualTo(404);

            softBouncesCountInTheWindowAndADeliveryStartsAgain(ports, key, mx, webAdmin);
            anArfComplaintSuppressesWithReasonComplaint(ports, key, mx, webAdmin);
            anAutoReplyChangesNothing(ports, key, mx, webAdmin);
            aForwardedCopysBounceSuppressesTheAliasTargetAndAForgedSrsBounceIsRefused(ports, mx, webAdmin);
            assertThat(server.stop()).isIn(0, 143);
        } finally {
            mx.stop();
        }
    }

    /**
     * suppression.softBounces is 3 (the default): two soft bounces do not suppress; a delivery in between starts
     * the count again, so two more do not either; the third after the delivery does.
     */
    private static void softBouncesCountInTheWindowAndADeliveryStartsAgain(Ports ports, String key, FakeMx mx, WebAdmin webAdmin)
        throws Exception {
        String soft = "soft@remote.test";
        String returnPath = sendAndDeliver(ports, key, mx, soft, "e2e-soft-1@test");
        softBounce(ports, webAdmin, returnPath, soft, "e2e-soft-1@test", 1);
        softBounce(ports, webAdmin, returnPath, soft, "e2e-soft-1@test", 2);
        assertThat(rcpt(ports, key, soft)).as("two soft bounces in the window").startsWith("250");

        sendAndDeliver(ports, key, mx, soft, "e2e-soft-2@test");
        AWAIT.until(() -> io.postbridge.it.Events.eventsFor(webAdmin, "e2e-soft-2@test").stream()
            .anyMatch(e -> e.path("type").asText().equals("delivered")));
        softBounce(ports, webAdmin, returnPath, soft, "e2e-soft-1@test", 3);
        softBounce(ports, webAdmin, returnPath, soft, "e2e-soft-1@test", 4);
        assertThat(rcpt(ports, key, soft)).as("four soft bounces, but a delivery after the second").startsWith("250");
        assertThat(webAdmin.get("/postbridge/suppressions/crm/" + soft).statusCode()).isEqualTo(404);

        softBounce(ports, webAdmin, returnPath, soft, "e2e-soft-1@test", 5);
        assertThat(rcpt(ports, key, soft)).startsWith("550").contains("<" + soft + ">: suppressed since").contains("(soft-bounces)");
        JsonNode entry = WebAdmin.parse(webAdmin.get("/postbridge/suppressions/crm/" + soft).body());
        assertThat(entry.path("reason").asText()).isEqualTo("soft-bounces");
    }

    private static void anArfComplaintSuppressesWithReasonComplaint(Ports ports, String key, FakeMx mx, WebAdmin webAdmin)
        throws Exception {
        String reader = "reader@remote.test";
        String returnPath = sendAndDeliver(ports, key, mx, reader, "e2e-arf-1@test");
        assertThat(rcpt(ports, key, reader)).startsWith("250");
        try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
            smtp.ehlo();
            assertThat(smtp.send("fbl@isp.remote.test", returnPath, arf(reader, "e2e-arf-1@test"))).startsWith("250");
        }
        AWAIT.until(() -> eventsAbout(webAdmin, reader) == 1);
        assertThat(rcpt(ports, key, reader)).startsWith("550 5.7.1 <" + reader + ">: suppressed since").contains("(complaint)");
        JsonNode entry = WebAdmin.parse(webAdmin.get("/postbridge/suppressions/crm/" + reader).body());
        assertThat(entry.path("reason").asText()).isEqualTo("complaint");
    }

    /** An out-of-office reply (RFC 3834) to the account's sender: delivered to its mailbox, nothing suppressed or counted. */
    private static void anAutoReplyChangesNothing(Ports ports, String key, FakeMx mx, WebAdmin webAdmin) throws Exception {
        String away = "away@remote.test";
        sendAndDeliver(ports, key, mx, away, "e2e-away-1@test");
        String reply = "From: away@remote.test\r\nTo: app@example.com\r\nSubject: Out of office\r\n"
            + "Auto-Submitted: auto-replied\r\nIn-Reply-To: <e2e-away-1@test>\r\nMessage-ID: <e2e-auto-1@remote.test>\r\n\r\n"
            + "I am away until Monday.\r\n";
        try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
            smtp.ehlo();
            assertThat(smtp.send("", "app@example.com", reply)).startsWith("250");
        }
        // once it is in the sender's mailbox it has been through everything that could have counted it
        AWAIT.until(() -> io.postbridge.it.Events.eventsFor(webAdmin, "e2e-auto-1@remote.test").stream()
            .anyMatch(e -> e.path("type").asText().equals("delivered") && e.path("detail").asText().equals("local mailbox")));
        assertThat(eventsAbout(webAdmin, away)).isZero();
        assertThat(rcpt(ports, key, away)).startsWith("250");
        assertThat(webAdmin.get("/postbridge/suppressions/crm/" + away).statusCode()).isEqualTo(404);
    }

    /**
     * Mail to an alias is forwarded out through the server with an SRS return path; the target's server bounces it
     * to that address: the bounce is linked to the alias target, which is suppressed in the {@code forwarding}
     * scope (WebAdmin, the event), and the next mail to the alias is not forwarded to it. A bounce to an SRS address
     * whose hash is wrong is refused at RCPT.
     */
    private static void aForwardedCopysBounceSuppressesTheAliasTargetAndAForgedSrsBounceIsRefused(Ports ports, FakeMx mx,
                                                                                                  WebAdmin webAdmin) throws Exception {
        String target = "hank@remote.test";
        try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
            smtp.ehlo();
            assertThat(smtp.send("sender@elsewhere.test", "fwd@example.com",
                SmtpClient.message("sender@elsewhere.test", "fwd@example.com", "hello", "e2e-fwd-1@test", "hi"))).startsWith("250");
        }
        AWAIT.until(() -> mx.messageIds().contains("<e2e-fwd-1@test>"));
        String srs = mx.messages().stream().filter(m -> "<e2e-fwd-1@test>".equals(FakeMx.messageId(m)))
            .map(WiserMessage::getEnvelopeSender).findFirst().orElseThrow();
        assertThat(srs).startsWith("SRS0=").endsWith("@example.com").contains("=elsewhere.test=sender@");

        // hank's server accepted the copy, then bounced it to the SRS address; the returned headers name the alias
        String report = dsn(target, "e2e-fwd-1@test").replace("<dsn-e2e@mx.remote.test>", "<dsn-e2e-fwd@mx.remote.test>")
            .replace("Content-Type: text/rfc822-headers\r\n\r\n", "Content-Type: text/rfc822-headers\r\n\r\nDelivered-To: fwd@example.com\r\n");
        try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
            smtp.ehlo();
            assertThat(smtp.send("", srs, report)).startsWith("250");
        }
        AWAIT.until(() -> eventsAbout(webAdmin, target) == 1);
        assertThat(bounceEventsAbout(webAdmin, target).get(0).path("detail").asText())
            .contains("forwarded by alias fwd@example.com").contains("original sender sender@elsewhere.test")
            .contains(target + " 5.1.1 hard userunknown").contains("-> suppressed (hard-bounce)");
        JsonNode entry = WebAdmin.parse(webAdmin.get("/postbridge/suppressions/forwarding/" + target).body());
        assertThat(entry.path("scope").asText()).isEqualTo("forwarding");
        assertThat(entry.path("reason").asText()).isEqualTo("hard-bounce");

        try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
            smtp.ehlo();
            assertThat(smtp.send("sender@elsewhere.test", "fwd@example.com",
                SmtpClient.message("sender@elsewhere.test", "fwd@example.com", "hello again", "e2e-fwd-2@test", "hi"))).startsWith("250");
        }
        AWAIT.until(() -> io.postbridge.it.Events.eventsFor(webAdmin, "e2e-fwd-2@test").stream()
            .anyMatch(e -> e.path("type").asText().equals("dropped") && e.path("detail").asText().contains(target)));
        assertThat(mx.messageIds()).doesNotContain("<e2e-fwd-2@test>");

        try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
            smtp.ehlo();
            smtp.mailFrom("");
            assertThat(smtp.rcptTo("SRS0=AAAA=UH=elsewhere.test=x@example.com")).startsWith("550 5.1.1").contains("hash invalid");
        }
    }

    /** Sends one message as the account, waits until the MX has it; returns the VERP return path it came with. */
    private static String sendAndDeliver(Ports ports, String key, FakeMx mx, String recipient, String id) throws Exception {
        try (SmtpClient smtp = submission(ports, key)) {
            assertThat(smtp.send("app@example.com", recipient, SmtpClient.message("app@example.com", recipient, "hello", id, "hi")))
                .startsWith("250");
        }
        AWAIT.until(() -> mx.messageIds().contains("<" + id + ">"));
        return mx.messages().stream().filter(m -> ("<" + id + ">").equals(FakeMx.messageId(m)))
            .map(WiserMessage::getEnvelopeSender).reduce((a, b) -> b).orElseThrow();
    }

    /** A "mailbox full" report (soft) to the VERP return path; waits until it is the {@code nth} event about the recipient. */
    private static void softBounce(Ports ports, WebAdmin webAdmin, String returnPath, String recipient, String originalId, int nth)
        throws Exception {
        String report = dsn(recipient, originalId).replace("Status: 5.1.1", "Status: 4.2.2")
            .replace("550 5.1.1 <" + recipient + ">: User unknown", "452 4.2.2 <" + recipient + ">: Mailbox full")
            .replace("<dsn-e2e@mx.remote.test>", "<dsn-e2e-soft-" + nth + "@mx.remote.test>");
        try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
            smtp.ehlo();
            assertThat(smtp.send("", returnPath, report)).startsWith("250");
        }
        AWAIT.until(() -> eventsAbout(webAdmin, recipient) == nth);
        assertThat(bounceEventsAbout(webAdmin, recipient).get(0).path("detail").asText())
            .contains(recipient + " 4.2.2 soft mailboxfull");
    }

    private static int eventsAbout(WebAdmin webAdmin, String recipient) throws Exception {
        return bounceEventsAbout(webAdmin, recipient).size();
    }

    /** The bounce-received events whose detail names {@code recipient}, newest first. */
    private static java.util.List<JsonNode> bounceEventsAbout(WebAdmin webAdmin, String recipient) throws Exception {
        java.util.List<JsonNode> found = new java.util.ArrayList<>();
        for (JsonNode event : webAdmin.getJson("/postbridge/events?type=bounce-received&limit=200")) {
            if (event.path("detail").asText().contains(recipient)) {
                found.add(event);
            }
        }
        return found;
    }

    private static String arf(String recipient, String originalId) {
        return "From: fbl@isp.remote.test\r\nTo: app@example.com\r\nSubject: complaint\r\nMessage-ID: <arf-e2e@isp.remote.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=\"a\"\r\n\r\n"
            + "--a\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n"
            + "--a\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: FBL/1\r\nVersion: 1\r\n"
            + "Original-Rcpt-To: <" + recipient + ">\r\n\r\n"
            + "--a\r\nContent-Type: message/rfc822\r\n\r\nFrom: app@example.com\r\nTo: " + recipient + "\r\nMessage-ID: <"
            + originalId + ">\r\nSubject: hello\r\n\r\nbuy now\r\n--a--\r\n";
    }

    private static SmtpClient submission(Ports ports, String key) throws Exception {
        SmtpClient smtp = SmtpClient.connect(ports.submission);
        smtp.ehlo();
        smtp.startTls();
        smtp.authPlain("crm", key);
        return smtp;
    }

    private static String rcpt(Ports ports, String key, String recipient) throws Exception {
        try (SmtpClient smtp = submission(ports, key)) {
            smtp.mailFrom("app@example.com");
            return smtp.rcptTo(recipient);
        }
    }

    private static JsonNode bounceEvent(WebAdmin webAdmin) throws Exception {
        for (JsonNode event : webAdmin.getJson("/postbridge/events?type=bounce-received&limit=50")) {
            if (event.path("detail").asText().contains("gone@remote.test")) {
                return event;
            }
        }
        return null;
    }

    /** What the remote MX sends back hours later: an RFC 3464 report with the original's headers. */
    private static String dsn(String recipient, String originalId) {
        return "From: Mail Delivery System <MAILER-DAEMON@mx.remote.test>\r\nTo: app@example.com\r\n"
            + "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-e2e@mx.remote.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.remote.test\r\n\r\n"
            + "Final-Recipient: rfc822; " + recipient + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            + "Diagnostic-Code: smtp; 550 5.1.1 <" + recipient + ">: User unknown\r\n\r\n"
            + "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: app@example.com\r\nTo: " + recipient + "\r\n"
            + "Message-ID: <" + originalId + ">\r\nSubject: hello\r\n\r\n--b--\r\n";
    }
}
