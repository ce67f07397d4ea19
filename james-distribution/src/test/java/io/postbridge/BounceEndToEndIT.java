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

import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Bounce handling on the assembled server as a process (one boot), with {@code verp.enabled=true}: an account sends
 * through relay to a local MX that accepts; a DSN comes back to the VERP return path on the inbound port; the event
 * shows the classification; the next RCPT to that recipient gets the suppression reply until WebAdmin removes it;
 * a forged VERP bounce is refused at RCPT.
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
            assertThat(server.stop()).isIn(0, 143);
        } finally {
            mx.stop();
        }
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
