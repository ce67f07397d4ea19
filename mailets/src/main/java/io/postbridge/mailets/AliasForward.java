package io.postbridge.mailets;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.alias.AliasForwarding;
import io.postbridge.core.alias.AliasReply;
import io.postbridge.core.alias.AliasForwardingSource;
import io.postbridge.core.alias.ForwardingConfigException;
import io.postbridge.core.alias.ForwardingConfigReader;
import io.postbridge.core.alias.ForwardingHeaders;
import io.postbridge.core.alias.Resolution;
import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.mail.MailAttributes;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.signing.SignedAddressException;
import io.postbridge.core.store.StoreException;
import io.postbridge.core.suppression.Suppression;
import io.postbridge.core.suppression.SuppressionList;

/**
 * Forwards mail for aliases and brings bounces for our SRS addresses back to the original sender.
 *
 * <p>For every alias recipient a copy of the message (unchanged, with {@code Delivered-To} and
 * {@code X-Original-To} on top) is re-spooled to the {@code forwardProcessor} (James's {@code transport}), so it
 * takes the normal way out: local targets are delivered here, external ones are relayed by RemoteDelivery with the
 * envelope sender rewritten to SRS in our domain. Mail to our SRS addresses is re-spooled to the original sender.
 * Recipients that cannot be forwarded (loop, limits, disabled) go to the {@code bounceProcessor} with the reason
 * as {@code delivery-error}, which DSNBounce turns into a DSN. Other recipients continue unchanged.
 *
 * <p>Configured with its own nested {@code <aliases>} block and SRS settings; see {@link ForwardingConfigReader}
 * and docs/aliases-and-srs.md. Declare it once, in {@code root}, before {@code ToProcessor transport}.
 */
public class AliasForward extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(AliasForward.class);
    /** The attribute RemoteDelivery's Bouncer sets and DSNBounce reads for the Status/Diagnostic-Code lines. */
    static final AttributeName DELIVERY_ERROR = AttributeName.of(MailAttributes.DELIVERY_ERROR);

    private final AliasForwardingSource forwardingSource;
    private final MailEventLog eventLog;
    private AliasForwarding forwarding;
    private volatile boolean srsDomainChecked;

    private final SuppressionList suppressions;

    @Inject
    public AliasForward(AliasForwardingSource forwardingSource, MailEventLog eventLog, SuppressionList suppressions) {
        this.suppressions = suppressions;
        this.forwardingSource = forwardingSource;
        this.eventLog = eventLog;
    }

    @Override
    public void init() throws MessagingException {
        try {
            // nested elements reach a mailet flattened (aliases.alias.target): the element is the first part
            MailetParameters.read(this, ForwardingConfigReader.PARAMETERS, name -> name.split("\\.", 2)[0]);
        } catch (SettingProblem.Invalid e) {
            throw MailetParameters.problem(e);
        }
        try {
            forwarding = forwardingSource.get().orElseThrow(() -> new MessagingException(SettingProblem.describe(
                ForwardingConfigReader.FILE, "mailet AliasForward",
                "not found in the mailetcontainer.xml James loaded; its class must be written exactly "
                    + ForwardingConfigReader.MAILET_CLASS)));
        } catch (ForwardingConfigException e) {
            throw new MessagingException(e.getMessage());
        }
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return List.of(new ProcessingState(forwarding.config().forwardProcessor()),
            new ProcessingState(forwarding.config().bounceProcessor()));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        warnOnceWhenSrsDomainIsNotLocal();
        List<MailAddress> untouched = new ArrayList<>();
        List<Resolution> forwards = new ArrayList<>();
        List<MailAddress> srsRecipients = new ArrayList<>();
        Failures failures = new Failures();

        for (MailAddress recipient : mail.getRecipients()) {
            if (forwarding.isOurSrsAddress(recipient.getLocalPart(), recipient.getDomain().asString())) {
                srsRecipients.add(recipient);
                continue;
            }
            Resolution resolution = forwarding.resolve(recipient.asString());
            Optional<AliasReply> refusal = AliasReply.of(resolution.outcome());
            if (refusal.isPresent()) {
                if (resolution.outcome().isFailure()) {
                    LOGGER.warn("Postbridge: not forwarding to {}: {}", recipient.asString(), resolution.detail());
                }
                failures.add(recipient, refusal.get().bounceReason(recipient.asString()));
            } else if (resolution.outcome() == Resolution.Outcome.NOT_ALIAS) {
                untouched.add(recipient);
            } else if (resolution.outcome() == Resolution.Outcome.FORWARD) {
                forwards.add(resolution);
            } else {
                record(mail, MailEventType.DROPPED, recipient, "alias disabled (drop)");
            }
        }

        int budget = forwarding.config().resolverSettings().maxTargets();
        for (Resolution resolution : forwards) {
            MailAddress recipient = new MailAddress(resolution.recipient());
            budget -= resolution.targets().size();
            if (budget < 0) {
                failures.add(recipient, AliasReply.TOO_MANY_TARGETS.bounceReason(recipient.asString()));
            } else if (ForwardingHeaders.alreadyDeliveredTo(mail.getMessage(), resolution.aliasAddress())) {
                failures.add(recipient, AliasReply.alreadyForwardedBy(resolution.aliasAddress()).bounceReason(recipient.asString()));
            } else if (ForwardingHeaders.hops(mail.getMessage()) >= ForwardingHeaders.MAX_HOPS) {
                failures.add(recipient, AliasReply.tooManyHops(ForwardingHeaders.hops(mail.getMessage())).bounceReason(recipient.asString()));
            } else {
                forward(mail, recipient, resolution);
            }
        }
        for (MailAddress recipient : srsRecipients) {
            returnToSender(mail, recipient);
        }
        failures.bounce(mail);

        mail.setRecipients(untouched);
        if (untouched.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }

    /** Checked on the first mail, once James's domain list is surely loaded (it may not be during init). */
    private void warnOnceWhenSrsDomainIsNotLocal() {
        if (srsDomainChecked) {
            return;
        }
        srsDomainChecked = true;
        forwarding.config().srs().ifPresent(srs -> {
            try {
                if (!getMailetContext().isLocalServer(org.apache.james.core.Domain.of(srs.domain()))) {
                    LOGGER.warn("Postbridge: the SRS domain {} is not one of this server's domains (domainlist.xml): "
                        + "bounces of forwarded mail will be refused at RCPT. Add it as a domain.", srs.domain());
                }
            } catch (RuntimeException e) {
                LOGGER.warn("Postbridge: cannot check the SRS domain {}", srs.domain(), e);
            }
        });
    }

    private void forward(Mail mail, MailAddress recipient, Resolution resolution) throws MessagingException {
        List<MailAddress> local = new ArrayList<>();
        List<MailAddress> external = new ArrayList<>();
        for (Resolution.Target target : resolution.targets()) {
            if (target.isLocal()) {
                local.add(new MailAddress(target.address()));
            } else if (!suppressed(mail, recipient, target.address())) {
                external.add(new MailAddress(target.address()));
            }
        }
        if (local.isEmpty() && external.isEmpty()) {
            record(mail, MailEventType.DROPPED, recipient, "alias has no enabled target");
            return;
        }
        String processor = forwarding.config().forwardProcessor();
        Optional<String> sender = mail.getMaybeSender().asOptional().map(MailAddress::asString);
        if (!local.isEmpty()) {
            getMailetContext().sendMail(mail.getMaybeSender().asOptional().orElse(null), local,
                forwardedCopy(mail, resolution, recipient), processor);
        }
        if (!external.isEmpty()) {
            MailAddress rewritten = address(forwarding.senderForExternalTargets(sender));
            getMailetContext().sendMail(rewritten, external, forwardedCopy(mail, resolution, recipient), processor);
        }
        LOGGER.info("Postbridge: mail {} to alias {} forwarded to {} (envelope sender {})", mail.getName(),
            recipient.asString(), resolution.targets(), sender.orElse("<>"));
    }

    /**
     * Whether an external target is suppressed for forwarded mail (it bounced back to our SRS address: HandleBounce)
     * or globally; its copy is then dropped with an event. In doubt (the store cannot be read) it is forwarded.
     */
    private boolean suppressed(Mail mail, MailAddress alias, String target) {
        Optional<Suppression> s;
        try {
            s = suppressions.check(Suppression.FORWARDING, target);
        } catch (StoreException e) {
            LOGGER.warn("Postbridge: suppression list not readable, forwarding {} to {} anyway: {}", alias.asString(), target, e.getMessage());
            return false;
        }
        if (s.isEmpty()) {
            return false;
        }
        eventLog.record(MailEvents.of(mail, MailEventType.DROPPED, Instant.now()).recipients(List.of(target))
            .detail("alias " + alias.asString() + ": target " + target + " suppressed since " + s.get().firstSeen()
                + " (" + s.get().reason().wireName() + "): " + s.get().detail()).build());
        LOGGER.info("Postbridge: mail {} to alias {} not forwarded to suppressed target {}", mail.getName(), alias.asString(), target);
        return true;
    }

    private static MimeMessage forwardedCopy(Mail mail, Resolution resolution, MailAddress recipient) throws MessagingException {
        try {
            return ForwardingHeaders.forwardedCopy(mail.getMessage(), resolution.aliasAddress(), recipient.asString());
        } catch (IOException e) {
            throw new MessagingException("cannot copy the message for forwarding", e);
        }
    }

    private void returnToSender(Mail mail, MailAddress srsRecipient) throws MessagingException {
        String original;
        try {
            original = forwarding.reverseSrs(srsRecipient.asString());
        } catch (SignedAddressException e) {
            // normally refused at RCPT; bouncing a bounce would only add backscatter
            record(mail, MailEventType.DROPPED, srsRecipient, e.text());
            return;
        }
        MimeMessage copy;
        try {
            copy = ForwardingHeaders.copy(mail.getMessage());
        } catch (IOException e) {
            throw new MessagingException("cannot copy the message", e);
        }
        getMailetContext().sendMail(mail.getMaybeSender().asOptional().orElse(null), List.of(new MailAddress(original)),
            copy, forwarding.config().forwardProcessor());
        LOGGER.info("Postbridge: mail {} to SRS address {} returned to {}", mail.getName(), srsRecipient.asString(), original);
    }

    private static MailAddress address(Optional<String> sender) throws AddressException {
        return sender.isPresent() ? new MailAddress(sender.get()) : null;
    }

    private void record(Mail mail, MailEventType type, MailAddress recipient, String detail) {
        eventLog.record(MailEvents.of(mail, type, Instant.now()).recipients(List.of(recipient.asString())).detail(detail).build());
        LOGGER.info("Postbridge: mail {} to {}: {}", mail.getName(), recipient.asString(), detail);
    }

    /** Recipients that cannot be forwarded, each with the SMTP-style reason DSNBounce will report. */
    private final class Failures {
        private final List<MailAddress> recipients = new ArrayList<>();
        private final List<String> reasons = new ArrayList<>();

        void add(MailAddress recipient, String reason) {
            recipients.add(recipient);
            reasons.add(reason);
        }

        /** One bounce per reason, so each DSN states its own cause. */
        void bounce(Mail mail) throws MessagingException {
            for (String reason : reasons.stream().distinct().collect(Collectors.toList())) {
                List<MailAddress> failed = new ArrayList<>();
                for (int i = 0; i < recipients.size(); i++) {
                    if (reasons.get(i).equals(reason)) {
                        failed.add(recipients.get(i));
                    }
                }
                Mail bounce = mail.duplicate();
                bounce.setRecipients(failed);
                bounce.setErrorMessage(reason);
                bounce.setAttribute(new Attribute(DELIVERY_ERROR, AttributeValue.of(reason)));
                getMailetContext().sendMail(bounce, forwarding.config().bounceProcessor());
                LOGGER.info("Postbridge: mail {} to {} bounced: {}", mail.getName(), failed, reason);
            }
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: alias forwarding with SRS";
    }
}
