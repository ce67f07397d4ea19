package io.postbridge.auth.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.fastfail.ValidRcptHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.alias.AliasForwarding;
import io.postbridge.core.alias.AliasForwardingSource;
import io.postbridge.core.alias.AliasReply;
import io.postbridge.core.alias.LocalMailboxes;
import io.postbridge.core.alias.Resolution;
import io.postbridge.core.signing.SignedAddressException;
import io.postbridge.core.verp.VerpCodec;
import io.postbridge.core.verp.VerpReturnPaths;

/**
 * Decides at RCPT time, for recipients in our domains, so the server never accepts mail it would have to bounce:
 * <ul>
 *   <li>our SRS and VERP addresses (returning bounces): accepted only with a valid signature and age, else
 *       {@code 550 5.1.1}; a bounce (null sender) to a second such address in one transaction {@code 550 5.7.1}
 *       (backscatter);</li>
 *   <li>aliases: accepted; disabled-reject aliases {@code 550 5.2.1}; broken aliases (loop, depth) {@code 550 5.4.6};
 *       too many targets {@code 550 5.5.3}, or {@code 452 4.5.3} when earlier recipients of the same transaction used
 *       up the cap (the client sends the rest in another transaction);</li>
 *   <li>anything else is checked exactly like James's {@link ValidRcptHandler} (users and James's own mappings):
 *       unknown recipients get {@code 550 5.1.1}.</li>
 * </ul>
 * Replaces ValidRcptHandler in smtpserver.xml. It only ever answers DENY, DENYSOFT or DECLINED: never OK, which
 * would skip James's relay checks that follow.
 */
public class AliasRecipientHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(AliasRecipientHook.class);
    private static final ProtocolSession.AttachmentKey<Integer> TARGETS_IN_TRANSACTION =
        ProtocolSession.AttachmentKey.of("io.postbridge.alias.targets", Integer.class);
    private static final ProtocolSession.AttachmentKey<Boolean> BOUNCE_ADDRESS_ACCEPTED =
        ProtocolSession.AttachmentKey.of("io.postbridge.alias.srsBounceAccepted", Boolean.class);

    private final AliasForwardingSource forwardingSource;
    private final LocalMailboxes mailboxes;
    private final ValidRcptHandler jamesRecipientCheck;
    private final VerpReturnPaths verp;

    @Inject
    public AliasRecipientHook(AliasForwardingSource forwardingSource, LocalMailboxes mailboxes,
                              ValidRcptHandler jamesRecipientCheck, VerpReturnPaths verp) {
        this.forwardingSource = forwardingSource;
        this.mailboxes = mailboxes;
        this.jamesRecipientCheck = jamesRecipientCheck;
        this.verp = verp;
    }

    /** Passes the handler's settings on to James's check (e.g. {@code <enableRecipientRewriteTable>false</...>}). */
    @Override
    public void init(Configuration config) throws ConfigurationException {
        jamesRecipientCheck.init(config);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        try {
            if (!mailboxes.isLocalDomain(rcpt.getDomain().asString())) {
                return HookResult.DECLINED;
            }
            if (verp.codec().isPresent() && VerpCodec.isVerp(rcpt.getLocalPart())) {
                return checkVerp(session, sender, verp.codec().get(), rcpt);
            }
            Optional<AliasForwarding> forwarding = forwardingSource.get();
            if (forwarding.isEmpty()) {
                return jamesRecipientCheck.doRcpt(session, sender, rcpt);
            }
            if (forwarding.get().isOurSrsAddress(rcpt.getLocalPart(), rcpt.getDomain().asString())) {
                return checkSrs(session, sender, forwarding.get(), rcpt);
            }
            return checkAlias(session, sender, rcpt, forwarding.get());
        } catch (Exception e) {
            LOGGER.error("Postbridge: recipient check failed for {}, answering 451", rcpt.asString(), e);
            return reply(AliasReply.CHECK_FAILED, AliasReply.CHECK_FAILED.description() + " " + rcpt.asString());
        }
    }

    private HookResult checkSrs(SMTPSession session, MaybeSender sender, AliasForwarding forwarding, MailAddress rcpt) {
        return checkSigned(session, sender, rcpt, () -> forwarding.reverseSrs(rcpt.asString()));
    }

    private HookResult checkVerp(SMTPSession session, MaybeSender sender, VerpCodec codec, MailAddress rcpt) {
        return checkSigned(session, sender, rcpt, () -> codec.decode(rcpt.asString()));
    }

    /** One rule for both kinds of signed return address: it must verify, and then the backscatter rule applies. */
    private HookResult checkSigned(SMTPSession session, MaybeSender sender, MailAddress rcpt, SignedAddressCheck check) {
        try {
            check.verify();
            return oneBounceAddressPerTransaction(session, sender, rcpt);
        } catch (SignedAddressException e) {
            LOGGER.info("Postbridge: refused {} address {}: {}", e.scheme(), rcpt.asString(), e.text());
            AliasReply refused = AliasReply.srsRefused(e.text());
            return reply(refused, refused.rcptDescription(rcpt.asString()));
        }
    }

    @FunctionalInterface
    private interface SignedAddressCheck {
        void verify() throws SignedAddressException;
    }

    /**
     * The backscatter rule for our signed return addresses, SRS and VERP alike: a real bounce (null sender) returns
     * one message to one sender, so a second such address in the same transaction is refused.
     */
    private static HookResult oneBounceAddressPerTransaction(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (sender.isNullSender()) {
            if (session.getAttachment(BOUNCE_ADDRESS_ACCEPTED, ProtocolSession.State.Transaction).orElse(false)) {
                LOGGER.info("Postbridge: refused bounce to a second return address {} (backscatter)", rcpt.asString());
                return reply(AliasReply.BOUNCE_TO_SEVERAL_SRS, AliasReply.BOUNCE_TO_SEVERAL_SRS.rcptDescription(rcpt.asString()));
            }
            session.setAttachment(BOUNCE_ADDRESS_ACCEPTED, true, ProtocolSession.State.Transaction);
        }
        return HookResult.DECLINED;
    }

    private HookResult checkAlias(SMTPSession session, MaybeSender sender, MailAddress rcpt, AliasForwarding forwarding) {
        Resolution resolution = forwarding.resolve(rcpt.asString());
        Optional<AliasReply> refusal = AliasReply.of(resolution.outcome());
        if (refusal.isPresent()) {
            if (resolution.outcome().isFailure()) {
                // the detail names the alias chain: useful in our log, none of the sender's business
                LOGGER.warn("Postbridge: refused {}: {}", rcpt.asString(), resolution.detail());
            }
            return reply(refusal.get(), refusal.get().rcptDescription(rcpt.asString()));
        }
        switch (resolution.outcome()) {
            case NOT_ALIAS:
                return jamesRecipientCheck.doRcpt(session, sender, rcpt);
            case DISABLED_DROP:
                return HookResult.DECLINED;
            case FORWARD:
            default:
                return countTargets(session, resolution, forwarding.config().resolverSettings().maxTargets());
        }
    }

    private HookResult countTargets(SMTPSession session, Resolution resolution, int maxTargets) {
        int before = session.getAttachment(TARGETS_IN_TRANSACTION, ProtocolSession.State.Transaction).orElse(0);
        int after = before + resolution.targets().size();
        if (after > maxTargets) {
            return reply(AliasReply.TRANSACTION_FULL, AliasReply.TRANSACTION_FULL.description());
        }
        session.setAttachment(TARGETS_IN_TRANSACTION, after, ProtocolSession.State.Transaction);
        return HookResult.DECLINED;
    }

    private static HookResult reply(AliasReply reply, String description) {
        return reply.permanent() ? SmtpReplies.deny(reply.code(), description) : SmtpReplies.denySoft(reply.code(), description);
    }
}
