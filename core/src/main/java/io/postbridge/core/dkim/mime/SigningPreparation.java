package io.postbridge.core.dkim.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Properties;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimePart;
import javax.mail.util.ByteArrayDataSource;
import javax.mail.util.SharedByteArrayInputStream;

/**
 * Puts a message into the form James will transmit byte for byte, before it is signed:
 * <ul>
 * <li>the header fields javax.mail's {@code saveChanges()} adds or rewrites (MIME-Version, Date, Message-ID,
 * Content-Type, Content-Transfer-Encoding) are settled now, so no later {@code saveChanges()} changes signed data;</li>
 * <li>a single-part message without Content-Transfer-Encoding gets the label its bytes have (7bit or 8bit), because
 * javax.mail would otherwise guess "quoted-printable" for 8-bit text without re-encoding it;</li>
 * <li>optionally, parts labelled 8bit or binary are re-encoded (quoted-printable for text, base64 otherwise, or
 * relabelled 7bit when their bytes are 7-bit). RemoteDelivery converts such parts when the receiving server lacks
 * 8BITMIME, which would break the body hash; after this step there is nothing left for it to convert.</li>
 * </ul>
 * Header bytes are kept exactly (8-bit and UTF-8 text included). javax.mail reads header bytes as ISO-8859-1 but,
 * once a message is modified, writes header lines as UTF-8 (mail.mime.allowutf8 defaults differ between reading
 * and writing), which would double-encode 8-bit headers; so the top-level header lines are written here byte for
 * byte, and javax.mail only produces a body it had to re-encode (parsed as UTF-8 for that, so nested part headers
 * round-trip too).
 */
public final class SigningPreparation {
    private static final String CTE = "Content-Transfer-Encoding";
    private static final int MAX_LINE = 998;

    private static final byte[] CRLF = {'\r', '\n'};

    private final Session latin1Session;
    private final Session utf8Session;
    private final boolean encode8bitParts;

    public SigningPreparation(boolean encode8bitParts) {
        this.latin1Session = Session.getInstance(new Properties());
        Properties utf8 = new Properties();
        utf8.setProperty("mail.mime.allowutf8", "true");
        this.utf8Session = Session.getInstance(utf8);
        this.encode8bitParts = encode8bitParts;
    }

    public byte[] prepare(byte[] message) throws MessagingException, IOException {
        MimeMessage headers = new HeaderPreservingMimeMessage(latin1Session, new SharedByteArrayInputStream(message));
        boolean leaf = isLeaf(headers);
        if (leaf && headers.getHeader(CTE) == null) {
            headers.setHeader(CTE, is7bit(rawContent(headers)) ? "7bit" : "8bit");
        }
        ReEncoded reEncoded = encode8bitParts ? reEncode(message) : null;
        byte[] body;
        if (reEncoded == null) {
            body = rawContent(headers);
        } else {
            body = reEncoded.body;
            if (leaf) {
                headers.setHeader(CTE, reEncoded.leafEncoding);
            }
        }
        headers.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 512);
        Enumeration<String> lines = headers.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            // the strings hold the original bytes as ISO-8859-1 characters
            out.writeBytes(lines.nextElement().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static final class ReEncoded {
        final byte[] body;
        final String leafEncoding;

        ReEncoded(byte[] body, String leafEncoding) {
            this.body = body;
            this.leafEncoding = leafEncoding;
        }
    }

    /** The body with its 8-bit parts re-encoded, or null when there was nothing to re-encode. */
    private ReEncoded reEncode(byte[] message) throws MessagingException, IOException {
        MimeMessage mime = new HeaderPreservingMimeMessage(utf8Session, new SharedByteArrayInputStream(message));
        if (!encode(mime)) {
            return null;
        }
        if (mime.isMimeType("multipart/*")) {
            mime.setContent((MimeMultipart) mime.getContent());
        }
        mime.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length * 4 / 3 + 512);
        mime.writeTo(out);
        byte[] written = out.toByteArray();
        return new ReEncoded(Arrays.copyOfRange(written, headerEnd(written), written.length), mime.getEncoding());
    }

    private static int headerEnd(byte[] written) {
        for (int i = 0; i + 3 < written.length; i++) {
            if (written[i] == '\r' && written[i + 1] == '\n' && written[i + 2] == '\r' && written[i + 3] == '\n') {
                return i + 4;
            }
        }
        return written.length;
    }

    /** A new message object over {@code message} (for handing the signed bytes back to James). */
    public MimeMessage toMimeMessage(byte[] message) throws MessagingException {
        return new HeaderPreservingMimeMessage(latin1Session, new SharedByteArrayInputStream(message));
    }

    /** Re-encodes the 8-bit leaves under {@code part}; true if anything changed. */
    private boolean encode(MimePart part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Object content = part.getContent();
            if (!(content instanceof MimeMultipart)) {
                return false;
            }
            MimeMultipart multipart = (MimeMultipart) content;
            boolean changed = false;
            for (int i = 0; i < multipart.getCount(); i++) {
                changed |= encode((MimePart) multipart.getBodyPart(i));
            }
            if (changed && !(part instanceof MimeMessage)) {
                // regenerate this nested multipart from its (changed) parts when written
                part.setContent(multipart);
            }
            return changed;
        }
        if (!isLeaf(part)) {
            // message/* must stay 7bit/8bit/binary (RFC 2046): left as is
            return false;
        }
        String encoding = part.getEncoding();
        byte[] raw = rawContent(part);
        if (encoding == null) {
            // unlabelled means 7bit (RFC 2045), but senders do put 8-bit bytes there
            encoding = is7bit(raw) ? "7bit" : "8bit";
        }
        if (!(encoding.equalsIgnoreCase("8bit") || encoding.equalsIgnoreCase("binary"))) {
            return false;
        }
        if (is7bit(raw)) {
            part.setHeader(CTE, "7bit");
            return true;
        }
        String contentType = part.getContentType();
        String newEncoding = part.isMimeType("text/*") ? "quoted-printable" : "base64";
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(raw, contentType)));
        part.setHeader("Content-Type", contentType);
        part.setHeader(CTE, newEncoding);
        return true;
    }

    private static boolean isLeaf(Part part) throws MessagingException {
        return !part.isMimeType("multipart/*") && !part.isMimeType("message/*");
    }

    private static byte[] rawContent(MimePart part) throws MessagingException, IOException {
        InputStream in = part instanceof MimeMessage
            ? ((MimeMessage) part).getRawInputStream()
            : ((javax.mail.internet.MimeBodyPart) part).getRawInputStream();
        try (InputStream stream = in) {
            return stream.readAllBytes();
        }
    }

    /** No byte above 127, no NUL, no lone CR/LF issue, no line longer than 998 octets. */
    static boolean is7bit(byte[] bytes) {
        int line = 0;
        for (byte b : bytes) {
            if (b < 0 || b == 0) {
                return false;
            }
            if (b == '\n') {
                line = 0;
            } else if (b != '\r' && ++line > MAX_LINE) {
                return false;
            }
        }
        return true;
    }
}
