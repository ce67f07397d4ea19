package io.postbridge.mailets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.alias.AliasForwarding;
import io.postbridge.core.alias.AliasForwardingSource;
import io.postbridge.core.alias.ForwardingConfigException;
import io.postbridge.core.bounce.BounceParser;
import io.postbridge.core.bounce.BounceReport;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.store.StoreException;
import io.postbridge.core.suppression.BounceOutcomes;
import io.postbridge.core.suppression.SuppressionList;
import io.postbridge.core.verp.VerpAddress;
import io.postbridge.core.verp.VerpCodec;
import io.postbridge.core.signing.SignedAddressException;
import io.postbridge.core.verp.VerpReturnPaths;

/**
 * Reads an inbound bounce or complaint (the bounce parser), links it to the account that sent the original (its
 * VERP return path, which names account, message and recipient; else the returned Message-ID against the event log), feeds the account's suppression list (hard at once, soft towards
 * {@code suppression.softBounces}, complaints), and records a {@code bounce-received} event saying what was read.
 * The mail then continues unchanged, so the original sender still gets the bounce; one that came to a VERP address
 * is re-spooled to "transport" for the original envelope sender instead.
 *
 * <pre>{@code <mailet match="io.postbridge.matchers.IsBounce" class="io.postbridge.mailets.HandleBounce"/>}</pre>
 */
public class HandleBounce extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(HandleBounce.class);

    private final BounceOutcomes outcomes;
    private final MailEventLog eventLog;
    private static final String TRANSPORT = "transport";

    private final BounceParser parser = new BounceParser();
    private final VerpReturnPaths verp;
    private final SuppressionList suppressions;
    private io.postbridge.core.metrics.PostbridgeMetrics metrics = io.postbridge.core.metrics.PostbridgeMetrics.NONE;

    private final AliasForwardingSource forwardingSource;

    @Inject
    public HandleBounce(BounceOutcomes outcomes, MailEventLog eventLog, VerpReturnPaths verp, SuppressionList suppressions,
                        AliasForwardingSource forwardingSource) {
        this.forwardingSource = forwardingSource;
        this.suppressions = suppressions;
        this.outcomes = outcomes;
        this.eventLog = eventLog;
        this.verp = verp;
    }

    /** Bounces parsed by class (docs/observability.md). */
    @Inject
    public void recordTo(io.postbridge.core.metrics.PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init() throws MessagingException {
        try {
            MailetParameters.read(this, java.util.Set.of());
        } catch (io.postbridge.core.config.SettingProblem.Invalid e) {
            throw MailetParameters.problem(e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isPresent()) {
            // our own DSN (DSNBounce, ApiDelivery): its failure was counted where it was made, not again here
            return;
        }
        BounceReport report;
        try {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            mail.getMessage().writeTo(raw);
            report = parser.parse(new ByteArrayInputStream(raw.toByteArray()));
        } catch (IOException e) {
            throw new MessagingException("could not read the bounce " + mail.getName() + ": " + e.getMessage(), e);
        }
        io.postbridge.core.metrics.MetricNames.bounceParsed(report).forEach(metrics::increment);
        Optional<VerpAddress> verpRecipient = verpRecipient(mail);
        Optional<String> srsSender = verpRecipient.isPresent() ? Optional.empty() : srsSender(mail);
        Optional<String> account;
        String detail;
        try {
            if (srsSender.isPresent()) {
                // a bounce of a copy an alias forwarded: it is about the alias target, in no account
                account = Optional.empty();
                detail = outcomes.applyForwarded(report, srsSender.get(), Optional.ofNullable(report.original().get("delivered-to")));
            } else if (verpRecipient.isPresent()) {
                account = Optional.of(verpRecipient.get().account());
                detail = outcomes.apply(report, verpRecipient.get());
            } else {
                account = outcomes.account(report);
                detail = outcomes.apply(report, account);
            }
        } catch (StoreException e) {
            // the bounce itself goes on to its recipient; only the suppression bookkeeping is missed, and said so
            LOGGER.warn("Postbridge: bounce {} not applied to the suppression list: {}", mail.getName(), e.getMessage());
            account = Optional.empty();
            detail = report.kind().wireName() + " (" + report.format() + "), not applied: store error " + e.getMessage();
        }
        io.postbridge.core.events.MailEvent.Builder event = MailEvents.of(mail, MailEventType.BOUNCE_RECEIVED, Instant.now());
        if (srsSender.isPresent() && !report.recipients().isEmpty()) {
            // the event is about the alias targets that failed, not about the SRS address it came to
            event.recipients(report.recipients().stream().map(r -> r.address()).collect(java.util.stream.Collectors.toList()));
        }
        eventLog.record(event
            .account(account).detail(Optional.of(detail.length() > 4000 ? detail.substring(0, 4000) : detail)).build());
        if (account.isPresent() && !forwardsBounces(account.get())) {
            // the account asked not to get its bounces (WebAdmin policy forwardBounces=false); the event above has it
            mail.setState(Mail.GHOST);
        } else if (verpRecipient.isPresent()) {
            returnToSender(mail, verpRecipient.get());
        }
    }

    private boolean forwardsBounces(String account) {
        try {
            return suppressions.forwardsBounces(account);
        } catch (StoreException e) {
            return true; // in doubt the sender gets it: nothing is lost
        }
    }

    /**
     * Who the SRS address the bounce came to reverses to, when it came to one of ours that verifies (the others
     * were refused at RCPT); AliasForward then returns the bounce to that sender.
     */
    private Optional<String> srsSender(Mail mail) {
        Optional<AliasForwarding> forwarding;
        try {
            forwarding = forwardingSource.get();
        } catch (ForwardingConfigException e) {
            return Optional.empty();
        }
        if (forwarding.isEmpty()) {
            return Optional.empty();
        }
        for (MailAddress rcpt : mail.getRecipients()) {
            if (forwarding.get().isOurSrsAddress(rcpt.getLocalPart(), rcpt.getDomain().asString())) {
                try {
                    return Optional.of(forwarding.get().reverseSrs(rcpt.asString()));
                } catch (SignedAddressException e) {
                    LOGGER.info("Postbridge: bounce {} to {} not linked: {}", mail.getName(), rcpt.asString(), e.text());
                }
            }
        }
        return Optional.empty();
    }

    /** The VERP address the bounce came to, when it has one that verifies (the others were refused at RCPT). */
    private Optional<VerpAddress> verpRecipient(Mail mail) {
        if (verp.codec().isEmpty()) {
            return Optional.empty();
        }
        for (MailAddress rcpt : mail.getRecipients()) {
            if (VerpCodec.isVerp(rcpt.getLocalPart())) {
                try {
                    return Optional.of(verp.codec().get().decode(rcpt.asString()));
                } catch (SignedAddressException e) {
                    LOGGER.info("Postbridge: bounce {} to {} not linked: {}", mail.getName(), rcpt.asString(), e.text());
                }
            }
        }
        return Optional.empty();
    }

    /** The VERP address is no mailbox: the bounce goes on to the sender of the original, as it would have without VERP. */
    private void returnToSender(Mail mail, VerpAddress verpAddress) throws MessagingException {
        List<MailAddress> others = new ArrayList<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            if (!VerpCodec.isVerp(rcpt.getLocalPart())) {
                others.add(rcpt);
            }
        }
        getMailetContext().sendMail(mail.getMaybeSender().asOptional().orElse(null),
            List.of(new MailAddress(verpAddress.originalSender())), mail.getMessage(), TRANSPORT);
        mail.setRecipients(others);
        if (others.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: reads inbound bounces and complaints into the suppression list";
    }
}
