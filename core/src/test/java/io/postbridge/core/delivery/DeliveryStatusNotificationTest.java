package io.postbridge.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.Test;

import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;

class DeliveryStatusNotificationTest {
    private final DeliveryStatusNotification dsn = new DeliveryStatusNotification("relay.example.com", "postmaster@example.com");
    private final byte[] original = TestMessages.simple("app@example.com", "bob@remote.test", "Quarterly report", "orig-1@test")
        .getBytes(StandardCharsets.UTF_8);

    @Test
    void isAnRfc3464ReportWithStatusAndOriginalHeaders() throws Exception {
        MimeMessage message = dsn.build(Optional.of("app@example.com"), List.of("bob@remote.test", "eve@remote.test"), "5.7.1",
            "Graph answered 403 ErrorSendAsDenied:\r\n not allowed ✗", original,
            Instant.parse("2026-11-21T10:00:00Z"), Instant.parse("2026-11-21T10:05:00Z")).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        MimeMessage parsed = FakeProviders.parse(out.toByteArray());

        assertThat(parsed.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        assertThat(parsed.getHeader("To", null)).isEqualTo("app@example.com");
        assertThat(parsed.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(parsed.getHeader("In-Reply-To", null)).isEqualTo("<orig-1@test>");
        assertThat(parsed.getSubject()).isEqualTo("Undelivered Mail Returned to Sender: Quarterly report");
        MimeMultipart parts = (MimeMultipart) parsed.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/delivery-status");
        String status = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(status).contains("Reporting-MTA: dns; relay.example.com\r\n")
            .contains("Final-Recipient: rfc822; bob@remote.test\r\nAction: failed\r\nStatus: 5.7.1\r\n")
            .contains("Final-Recipient: rfc822; eve@remote.test\r\n")
            .contains("Diagnostic-Code: X-Postbridge; Graph answered 403 ErrorSendAsDenied: not allowed ?\r\n");
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        String headers = new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(headers).contains("Message-ID: <orig-1@test>").contains("Subject: Quarterly report").doesNotContain("Grüße");
    }

    @Test
    void neverToTheNullSender() throws Exception {
        assertThat(dsn.build(Optional.empty(), List.of("bob@remote.test"), "5.0.0", "x", original, Instant.now(), Instant.now()))
            .isEmpty();
    }
}
