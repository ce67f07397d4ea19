package io.postbridge.mailets;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;

import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;

/** The mail event of a James mail: its name, Message-ID, envelope and authenticated user filled in. */
final class MailEvents {
    private MailEvents() {
    }

    static MailEvent.Builder of(Mail mail, MailEventType type, Instant at) {
        return MailEvent.builder(type, mail.getName()).at(at).messageId(messageId(mail))
            .sender(mail.getMaybeSender().asOptional().map(MailAddress::asString))
            .recipients(mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList()))
            .account(AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class));
    }

    private static Optional<String> messageId(Mail mail) {
        try {
            return Optional.ofNullable(mail.getMessage().getMessageID());
        } catch (MessagingException e) {
            return Optional.empty(); // unreadable headers: the event is still worth recording
        }
    }
}
