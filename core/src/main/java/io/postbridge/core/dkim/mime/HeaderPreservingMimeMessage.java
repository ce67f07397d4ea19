package io.postbridge.core.dkim.mime;

import java.io.InputStream;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

/** A MimeMessage whose {@code saveChanges()} keeps an existing Message-ID (plain javax.mail replaces it), as James does. */
public class HeaderPreservingMimeMessage extends MimeMessage {
    public HeaderPreservingMimeMessage(Session session, InputStream in) throws MessagingException {
        super(session, in);
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        if (getHeader("Message-ID") == null) {
            super.updateMessageID();
        }
    }
}
