package io.postbridge.core.alias;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * The trace headers of a forwarded copy and the loop checks that read them back.
 *
 * <p>A forwarded copy is the original message, byte for byte (its Received trail and any DKIM signature of the
 * sender stay intact), with two lines put on top, as Postfix does:
 * {@code Delivered-To: <alias>} (the alias address that forwarded it) and {@code X-Original-To: <recipient>}
 * (the recipient exactly as the sender addressed it, tag included). When a copy comes back to the same alias,
 * its Delivered-To gives the loop away.
 */
public final class ForwardingHeaders {
    public static final String DELIVERED_TO = "Delivered-To";
    public static final String ORIGINAL_TO = "X-Original-To";
    /** Below James's RelayLimit=30 in the sample root processor, which drops silently; we bounce instead. */
    public static final int MAX_HOPS = 25;

    private ForwardingHeaders() {
    }

    public static MimeMessage forwardedCopy(MimeMessage original, String deliveredTo, String originalTo)
        throws MessagingException, IOException {
        return withTop(original,
            DELIVERED_TO + ": " + oneLine(deliveredTo) + "\r\n" + ORIGINAL_TO + ": " + oneLine(originalTo) + "\r\n");
    }

    /** An independent copy, byte for byte (each re-spooled mail must own its message). */
    public static MimeMessage copy(MimeMessage original) throws MessagingException, IOException {
        return withTop(original, "");
    }

    private static MimeMessage withTop(MimeMessage original, String top) throws MessagingException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        original.writeTo(bytes);
        try (InputStream in = new SequenceInputStream(new ByteArrayInputStream(top.getBytes(StandardCharsets.US_ASCII)),
            new ByteArrayInputStream(bytes.toByteArray()))) {
            return new MimeMessage((Session) null, in);
        }
    }

    /** True when one of the message's Delivered-To headers names this address (case ignored). */
    public static boolean alreadyDeliveredTo(MimeMessage message, String address) throws MessagingException {
        String[] values = message.getHeader(DELIVERED_TO);
        if (values == null) {
            return false;
        }
        String wanted = address.toLowerCase(Locale.ROOT);
        for (String value : values) {
            if (addressOf(value).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Number of Received headers: each MTA on the way adds one. */
    public static int hops(MimeMessage message) throws MessagingException {
        String[] received = message.getHeader("Received");
        return received == null ? 0 : received.length;
    }

    /** Envelope addresses cannot hold line breaks, but a header must never be split by one. */
    private static String oneLine(String value) {
        return value.replace("\r", "").replace("\n", "");
    }

    private static String addressOf(String headerValue) {
        String value = headerValue.trim();
        try {
            InternetAddress parsed = new InternetAddress(value, false);
            return parsed.getAddress().toLowerCase(Locale.ROOT);
        } catch (MessagingException e) {
            return value.replace("<", "").replace(">", "").toLowerCase(Locale.ROOT);
        }
    }
}
