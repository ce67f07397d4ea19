package io.postbridge.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import javax.mail.MessagingException;

import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.mailet.Mail;

/**
 * The bytes of a mail's message as James holds them: {@link MimeMessageInputStream} gives an unmodified message's own
 * source (what the spool stored, byte for byte) and a modified one's headers followed by its body.
 */
final class MailContent {
    private MailContent() {
    }

    /** The whole message, as it leaves over SMTP. */
    static byte[] bytes(Mail mail) throws IOException, MessagingException {
        try (InputStream in = new MimeMessageInputStream(mail.getMessage())) {
            return in.readAllBytes();
        }
    }

    /**
     * The header block, up to and including the empty line that ends it (or the whole message when it has none),
     * without reading the body: for decisions that need only header fields.
     */
    static byte[] headerBlock(Mail mail) throws IOException, MessagingException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(2048);
        try (InputStream in = new MimeMessageInputStream(mail.getMessage())) {
            int previous = -1;
            int beforePrevious = -1;
            for (int b = in.read(); b >= 0; b = in.read()) {
                head.write(b);
                // the end of the header: LF LF, CRLF CRLF (its last three bytes LF CR LF) or CR CR
                if ((b == '\n' && (previous == '\n' || (previous == '\r' && beforePrevious == '\n'))) || (b == '\r' && previous == '\r')) {
                    break;
                }
                beforePrevious = previous;
                previous = b;
            }
        }
        return head.toByteArray();
    }
}
