package io.postbridge.core.delivery;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.InternetHeaders;

/**
 * The Gmail API and Graph's MIME mode have no envelope: they send to the addresses in To, Cc and Bcc. So that the
 * SMTP envelope decides who receives the mail, envelope recipients missing from To/Cc are given to the API in a
 * {@code Bcc:} header, which the provider uses for delivery and removes from what the recipients get. Any Bcc header
 * the client left in the message is replaced, so nobody the envelope does not name is added through it.
 * Everything else in the message is passed on byte for byte.
 */
public final class EnvelopeRecipients {
    private EnvelopeRecipients() {
    }

    /** The message bytes to upload: {@code content} with a Bcc header naming the envelope-only recipients. */
    public static byte[] withBccForEnvelopeOnly(byte[] content, List<String> envelopeRecipients) {
        int headerEnd = headerEnd(content);
        Set<String> visible = visibleRecipients(content, headerEnd);
        List<String> hidden = new ArrayList<>();
        for (String recipient : envelopeRecipients) {
            if (!visible.contains(recipient.toLowerCase(Locale.ROOT)) && !hidden.contains(recipient)) {
                hidden.add(recipient);
            }
        }
        byte[] withoutBcc = withoutBccHeader(content, headerEnd);
        if (hidden.isEmpty()) {
            return withoutBcc;
        }
        byte[] bcc = ("Bcc: " + String.join(",\r\n ", hidden) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] result = new byte[bcc.length + withoutBcc.length];
        System.arraycopy(bcc, 0, result, 0, bcc.length);
        System.arraycopy(withoutBcc, 0, result, bcc.length, withoutBcc.length);
        return result;
    }

    /** Lower-cased addresses in To and Cc. */
    static Set<String> visibleRecipients(byte[] content, int headerEnd) {
        Set<String> addresses = new LinkedHashSet<>();
        try {
            InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(content, 0, headerEnd));
            for (String name : List.of("To", "Cc")) {
                String[] values = headers.getHeader(name);
                if (values == null) {
                    continue;
                }
                for (String value : values) {
                    try {
                        for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                            if (address.getAddress() != null) {
                                addresses.add(address.getAddress().toLowerCase(Locale.ROOT));
                            }
                            if (address.isGroup()) {
                                for (InternetAddress member : address.getGroup(false)) {
                                    addresses.add(member.getAddress().toLowerCase(Locale.ROOT));
                                }
                            }
                        }
                    } catch (AddressException e) {
                        // an unparsable To/Cc hides nobody: its recipients are then added as Bcc, which is harmless
                    }
                }
            }
        } catch (MessagingException e) {
            // no readable headers: every envelope recipient becomes a Bcc
        }
        return addresses;
    }

    /** Offset just after the blank line that ends the header section (or the whole message if there is none). */
    public static int headerEndOf(byte[] content) {
        return headerEnd(content);
    }

    /** Offset just after the blank line that ends the header section (or the whole message if there is none). */
    static int headerEnd(byte[] content) {
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                if (i + 1 < content.length && content[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < content.length && content[i + 1] == '\r' && content[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return content.length;
    }

    /** {@code content} without its Bcc header, if it has one (SMTP relaying must not show it to the recipients). */
    public static byte[] withoutBcc(byte[] content) {
        return withoutBccHeader(content, headerEnd(content));
    }

    private static byte[] withoutBccHeader(byte[] content, int headerEnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length);
        int lineStart = 0;
        boolean dropping = false;
        while (lineStart < headerEnd) {
            int lineEnd = lineStart;
            while (lineEnd < headerEnd && content[lineEnd] != '\n') {
                lineEnd++;
            }
            lineEnd = Math.min(lineEnd + 1, headerEnd);
            boolean continuation = content[lineStart] == ' ' || content[lineStart] == '\t';
            if (!continuation) {
                dropping = startsWithIgnoreCase(content, lineStart, "bcc:");
            }
            if (!dropping) {
                out.write(content, lineStart, lineEnd - lineStart);
            }
            lineStart = lineEnd;
        }
        out.write(content, headerEnd, content.length - headerEnd);
        return out.toByteArray();
    }

    private static boolean startsWithIgnoreCase(byte[] content, int offset, String prefix) {
        if (offset + prefix.length() > content.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) content[offset + i]) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** For diagnostics and tests: the header names of a raw message, in order. */
    static List<String> headerNames(byte[] content) {
        List<String> names = new ArrayList<>();
        try {
            Enumeration<?> all = new InternetHeaders(new ByteArrayInputStream(content)).getAllHeaders();
            while (all.hasMoreElements()) {
                names.add(((javax.mail.Header) all.nextElement()).getName());
            }
        } catch (MessagingException e) {
            // none
        }
        return names;
    }
}
