package io.postbridge.core.alias;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

class ForwardingHeadersTest {
    private static final String ORIGINAL = "Received: from a.example by b.example; Sat, 21 Nov 2026 10:00:00 +0000\r\n"
        + "DKIM-Signature: v=1; a=rsa-sha256; d=elsewhere.test; s=s; h=from:subject; bh=x; b=y\r\n"
        + "From: Sender <sender@elsewhere.test>\r\n"
        + "Subject:   odd   spacing kept\r\n"
        + "\r\n"
        + "line one  \r\n"
        + "line two\r\n";

    private static MimeMessage parse(String raw) throws Exception {
        return new MimeMessage((Session) null, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String bytes(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void forwardedCopyIsTheOriginalBytesWithTwoTraceLinesOnTop() throws Exception {
        MimeMessage copy = ForwardingHeaders.forwardedCopy(parse(ORIGINAL), "info@example.com", "Info+x@example.com");
        assertThat(bytes(copy)).isEqualTo("Delivered-To: info@example.com\r\nX-Original-To: Info+x@example.com\r\n" + ORIGINAL);
    }

    @Test
    void copyIsByteForByte() throws Exception {
        assertThat(bytes(ForwardingHeaders.copy(parse(ORIGINAL)))).isEqualTo(ORIGINAL);
    }

    @Test
    void lineBreaksCannotSmuggleHeaders() throws Exception {
        MimeMessage copy = ForwardingHeaders.forwardedCopy(parse(ORIGINAL), "a@example.com\r\nBcc: x@evil.example", "a@example.com");
        assertThat(copy.getHeader("Bcc")).isNull();
    }

    @Test
    void loopCheckReadsEveryDeliveredToIgnoringCaseAndBrackets() throws Exception {
        MimeMessage message = parse("Delivered-To: other@example.com\r\nDelivered-To: <Info@Example.com>\r\n" + ORIGINAL);
        assertThat(ForwardingHeaders.alreadyDeliveredTo(message, "info@example.com")).isTrue();
        assertThat(ForwardingHeaders.alreadyDeliveredTo(message, "sales@example.com")).isFalse();
        assertThat(ForwardingHeaders.alreadyDeliveredTo(parse(ORIGINAL), "info@example.com")).isFalse();
    }

    @Test
    void hopsCountsReceivedHeaders() throws Exception {
        assertThat(ForwardingHeaders.hops(parse(ORIGINAL))).isEqualTo(1);
        assertThat(ForwardingHeaders.hops(parse("Received: x\r\nReceived: y\r\n" + ORIGINAL))).isEqualTo(3);
    }
}
