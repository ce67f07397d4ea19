package io.postbridge.mailets;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;

/**
 * Records a step of the message's life in the Postbridge event log (listed by WebAdmin
 * {@code GET /postbridge/events}) and lets the mail continue unchanged.
 *
 * <pre>{@code
 * <mailet match="All" class="io.postbridge.mailets.RecordMailEvent">
 *     <event>queued</event>                 <!-- required: received, queued, delivered, deferred, bounced, bounce-received, dropped -->
 *     <detail>relay to MX</detail>          <!-- optional free text -->
 * </mailet>
 * }</pre>
 */
public class RecordMailEvent extends GenericMailet {
    static final String EVENT = "event";
    static final String DETAIL = "detail";

    private final MailEventLog eventLog;
    private MailEventType type;
    private Optional<String> detail;

    @Inject
    public RecordMailEvent(MailEventLog eventLog) {
        this.eventLog = eventLog;
    }

    @Override
    public void init() throws MessagingException {
        try {
            SettingsReader parameters = MailetParameters.read(this, Set.of(EVENT, DETAIL));
            type = parameters.choice(EVENT, MailEventType::fromWireName, MailEventType.allWireNames())
                .orElseThrow(() -> parameters.problem(EVENT, "missing; one of " + MailEventType.allWireNames()));
            detail = parameters.string(DETAIL);
        } catch (SettingProblem.Invalid e) {
            throw MailetParameters.problem(e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        eventLog.record(MailEvents.of(mail, type, Instant.now()).detail(detail).build());
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: records a mail event";
    }
}
