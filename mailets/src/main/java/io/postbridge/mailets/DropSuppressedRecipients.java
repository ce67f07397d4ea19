package io.postbridge.mailets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.store.StoreException;
import io.postbridge.core.suppression.Suppression;
import io.postbridge.core.suppression.SuppressionList;
import io.postbridge.core.suppression.SuppressionPolicy;

/**
 * Enforcement {@code accept-and-drop} (an account's WebAdmin policy, or {@code suppression.enforcement}): the
 * SMTP hook accepted a suppressed recipient, this drops it from the account's mail with a {@code dropped} event
 * saying why. Accounts with {@code reject} never get here with a suppressed recipient; their mail is left alone.
 */
public class DropSuppressedRecipients extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(DropSuppressedRecipients.class);

    private final SuppressionList suppressions;
    private final MailEventLog eventLog;

    @Inject
    public DropSuppressedRecipients(SuppressionList suppressions, MailEventLog eventLog) {
        this.suppressions = suppressions;
        this.eventLog = eventLog;
    }

    @Override
    public void init() throws MessagingException {
        MailetParameters.requireNone(this);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class);
        if (account.isEmpty()) {
            return;
        }
        try {
            if (suppressions.enforcement(account.get()) != SuppressionPolicy.Enforcement.ACCEPT_AND_DROP) {
                return;
            }
            List<MailAddress> kept = new ArrayList<>();
            for (MailAddress rcpt : mail.getRecipients()) {
                Optional<Suppression> suppressed = suppressions.check(account.get(), rcpt.asString());
                if (suppressed.isPresent()) {
                    eventLog.record(MailEvents.of(mail, MailEventType.DROPPED, Instant.now()).recipients(List.of(rcpt.asString()))
                        .detail(SuppressionList.rejection(suppressed.get())[1]).build());
                } else {
                    kept.add(rcpt);
                }
            }
            mail.setRecipients(kept);
            if (kept.isEmpty()) {
                mail.setState(Mail.GHOST);
            }
        } catch (StoreException e) {
            // the hook already let it in; retried by the spool rather than sent to a possibly suppressed address
            LOGGER.warn("Postbridge: suppression list unreadable for mail {}: {}", mail.getName(), e.getMessage());
            throw new MessagingException("suppression list unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: drops suppressed recipients of accounts with enforcement accept-and-drop";
    }
}
