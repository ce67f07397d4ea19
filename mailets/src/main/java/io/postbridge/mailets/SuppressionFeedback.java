package io.postbridge.mailets;

import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.store.StoreException;
import io.postbridge.core.suppression.BounceOutcomes;

/**
 * Tells the suppression list how sending an account's mail ended: {@code delivered} (in the processor RemoteDelivery
 * goes to on success) forgives the recipients' soft bounces; {@code failed} (in its bounce processor) counts the
 * remote server's refusal like a bounce: a permanent 5xx that says the address does not exist suppresses at once.
 * Mail without an authenticated account is left alone. The mail continues unchanged.
 *
 * <pre>{@code
 * <mailet match="All" class="io.postbridge.mailets.SuppressionFeedback">
 *     <outcome>failed</outcome>   <!-- required: delivered | failed -->
 * </mailet>
 * }</pre>
 */
public class SuppressionFeedback extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(SuppressionFeedback.class);
    static final String OUTCOME = "outcome";
    // RemoteDelivery's Bouncer sets these (org.apache.james.transport.mailets.remote.delivery.Bouncer)
    private static final AttributeName DELIVERY_ERROR = AttributeName.of("delivery-error");
    private static final AttributeName PERMANENT = AttributeName.of("is-delivery-permanent-error");
    private static final AttributeName FED = AttributeName.of(io.postbridge.core.mail.MailAttributes.SUPPRESSION_FED);

    private final BounceOutcomes outcomes;
    private boolean delivered;

    @Inject
    public SuppressionFeedback(BounceOutcomes outcomes) {
        this.outcomes = outcomes;
    }

    @Override
    public void init() throws MessagingException {
        try {
            SettingsReader parameters = MailetParameters.read(this, Set.of(OUTCOME));
            String outcome = parameters.choice(OUTCOME, v -> Optional.of(v.trim()).filter(o -> o.equals("delivered") || o.equals("failed")),
                "'delivered' or 'failed'").orElseThrow(() -> parameters.problem(OUTCOME, "missing; 'delivered' or 'failed'"));
            delivered = outcome.equals("delivered");
        } catch (SettingProblem.Invalid e) {
            throw MailetParameters.problem(e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (AttributeUtils.getValueAndCastFromMail(mail, FED, Boolean.class).orElse(false)) {
            return; // a copy from SmtpDelivery / ApiDelivery: they fed this outcome to the list already (DeliveryFeedback)
        }
        Optional<String> account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class);
        if (account.isEmpty()) {
            return;
        }
        String error = AttributeUtils.getValueAndCastFromMail(mail, DELIVERY_ERROR, String.class)
            .or(() -> Optional.ofNullable(mail.getErrorMessage())).orElse("");
        boolean permanent = AttributeUtils.getValueAndCastFromMail(mail, PERMANENT, Boolean.class).orElse(true);
        try {
            for (MailAddress rcpt : mail.getRecipients()) {
                if (delivered) {
                    outcomes.delivered(account.get(), rcpt.asString());
                } else {
                    outcomes.failedWhileSending(account.get(), rcpt.asString(), error, permanent);
                }
            }
        } catch (StoreException e) {
            LOGGER.warn("Postbridge: suppression list not updated for {}: {}", mail.getName(), e.getMessage());
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: feeds delivery results to the suppression list";
    }
}
