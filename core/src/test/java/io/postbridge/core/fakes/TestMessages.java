package io.postbridge.core.fakes;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Raw RFC 5322 test messages with CRLF line ends: UTF-8 8-bit text, an HTML alternative and optionally a binary
 * attachment of a given size, so tests can check that every byte reaches the API intact.
 */
public final class TestMessages {
    private TestMessages() {
    }

    public static String simple(String from, String to, String subject, String messageId) {
        return "From: " + from + "\r\n"
            + "To: " + to + "\r\n"
            + "Subject: " + subject + "\r\n"
            + "Message-ID: <" + messageId + ">\r\n"
            + "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Grüße aus Köln — ünïcödé ✓ 日本語\r\n";
    }

    /** multipart/mixed: 8-bit UTF-8 text, HTML, a custom header, and a random binary attachment of {@code attachmentBytes}. */
    public static byte[] withAttachment(String from, String to, String cc, String subject, String messageId, int attachmentBytes) {
        byte[] attachment = new byte[attachmentBytes];
        new Random(attachmentBytes).nextBytes(attachment);
        String base64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(attachment);
        // headers are ASCII (RFC 2047 words): James 3.8.1 announces no SMTPUTF8 and rewrites raw 8-bit headers
        String text = "From: =?UTF-8?Q?=C3=9Cn=C3=AFcode_Sender?= <" + from + ">\r\n"
            + "To: " + to + "\r\n"
            + (cc == null ? "" : "Cc: " + cc + "\r\n")
            + "Subject: =?UTF-8?Q?R=C3=A9sum=C3=A9?= " + subject + "\r\n"
            + "Message-ID: <" + messageId + ">\r\n"
            + "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n"
            + "X-Custom-Header: keep me exactly   as I am\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"outer-boundary\"\r\n"
            + "\r\n"
            + "This is a multi-part message in MIME format.\r\n"
            + "--outer-boundary\r\n"
            + "Content-Type: multipart/alternative; boundary=\"inner-boundary\"\r\n"
            + "\r\n"
            + "--inner-boundary\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Grüße — 8-bit UTF-8 body ✓ 日本語\r\n"
            + "--inner-boundary\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n"
            + "\r\n"
            + "<p>Gr=C3=BC=C3=9Fe</p>\r\n"
            + "--inner-boundary--\r\n"
            + "\r\n"
            + "--outer-boundary\r\n"
            + "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
            + "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "\r\n"
            + base64 + "\r\n"
            + "--outer-boundary--\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The random attachment {@link #withAttachment} embeds. */
    public static byte[] attachmentBytes(int attachmentBytes) {
        byte[] attachment = new byte[attachmentBytes];
        new Random(attachmentBytes).nextBytes(attachment);
        return attachment;
    }
}
