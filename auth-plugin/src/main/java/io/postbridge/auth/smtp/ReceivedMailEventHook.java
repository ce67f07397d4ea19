package io.postbridge.auth.smtp;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

import io.postbridge.core.auth.SubmissionAttributes;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;

/**
 * Records a {@code received} event for each message at the end of DATA, with the client address and the
 * authenticated user (or the account of a trusted network), then lets James spool it. Always returns DECLINED: an OK here would make James
 * answer 250 without spooling the mail.
 */
public class ReceivedMailEventHook implements JamesMessageHook {
    private final MailEventLog eventLog;

    @Inject
    public ReceivedMailEventHook(MailEventLog eventLog) {
        this.eventLog = eventLog;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        eventLog.record(MailEvent.builder(MailEventType.RECEIVED, mail.getName()).at(Instant.now()).messageId(messageId(mail))
            .sender(mail.getMaybeSender().asOptional().map(MailAddress::asString))
            .recipients(mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList()))
            .account(Optional.ofNullable(session.getUsername()).map(Username::asString).or(() -> account(mail)))
            .detail("from " + session.getRemoteAddress().getAddress().getHostAddress()).build());
        return HookResult.DECLINED;
    }

    /** A device in a trusted network has no SMTP user: its account is on the mail (set by SenderPolicyHook). */
    private static Optional<String> account(Mail mail) {
        return mail.getAttribute(AttributeName.of(SubmissionAttributes.ACCOUNT)).map(attribute -> attribute.getValue().value())
            .filter(String.class::isInstance).map(String.class::cast);
    }

    private static Optional<String> messageId(Mail mail) {
        try {
            return Optional.ofNullable(mail.getMessage().getMessageID());
        } catch (MessagingException e) {
            // unparseable headers: the event is still worth recording
            return Optional.empty();
        }
    }
}
