package io.postbridge.core.delivery.smtp;

import java.io.IOException;
import java.io.OutputStream;

import javax.mail.Session;

import com.sun.mail.smtp.SMTPMessage;

/**
 * The message exactly as it was signed: javax.mail writes these bytes after DATA (dot-stuffing and CRLF are the
 * transport's), without parsing or re-encoding anything, so DKIM signatures and raw UTF-8 headers stay intact.
 */
final class RawSmtpMessage extends SMTPMessage {
    private final byte[] content;

    RawSmtpMessage(Session session, byte[] content) {
        super(session);
        this.content = content;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(content);
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException {
        out.write(content); // nothing is dropped: the bytes are the signed ones (a Bcc, if any, is not signed)
    }

    @Override
    public int getSize() {
        return content.length;
    }
}
