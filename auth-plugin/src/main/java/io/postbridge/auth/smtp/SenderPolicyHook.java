package io.postbridge.auth.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.server.core.MailImpl;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.SenderPolicy;
import io.postbridge.core.auth.SmtpPrincipal;
import io.postbridge.core.auth.SubmissionAttributes;

/**
 * Sender policy. An account may send only as its allowed addresses and domains: {@code MAIL FROM} outside them is
 * refused with {@code 550 5.7.1}, a header {@code From:} outside them at the end of DATA. With a From override the
 * account's mail is rewritten to that address instead (header From and envelope sender).
 *
 * <p>It replaces James's {@code verifyIdentity} (which needs the sender to be a local James user and would refuse
 * every account): set {@code <verifyIdentity>false</verifyIdentity>} on listeners that use this hook. For James
 * mailbox users it applies James's own rule (their address or an alias of it).
 *
 * <p>It also stamps the mail with who submitted it ({@link SubmissionAttributes}).
 *
 * <pre>{@code <handler class="io.postbridge.auth.smtp.SenderPolicyHook"/>}</pre>
 */
public class SenderPolicyHook implements MailHook, JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SenderPolicyHook.class);

    // the replies a client sees, each written once
    static final HookResult AUTHENTICATION_REQUIRED = SmtpReplies.deny("530", "5.7.1 Authentication Required");
    static final HookResult FROM_UNPARSEABLE = SmtpReplies.deny("550", "5.6.0 The From: header cannot be parsed");

    static HookResult senderNotAllowed(MaybeSender sender, Account account) {
        return SmtpReplies.deny("550", "5.7.1 Sender <" + sender.asString() + "> is not allowed for account '" + account.name() + "'");
    }

    static HookResult senderNotAllowed(MaybeSender sender, Username user) {
        return SmtpReplies.deny("550", "5.7.1 Sender <" + sender.asString() + "> is not allowed for user " + user.asString());
    }

    static HookResult noFromHeader(Account account) {
        return SmtpReplies.deny("550", "5.7.1 The message has no From: header (account '" + account.name() + "')");
    }

    static HookResult headerFromNotAllowed(String address, Account account) {
        return SmtpReplies.deny("550", "5.7.1 Header From <" + address + "> is not allowed for account '" + account.name() + "'");
    }

    private final SenderPolicy policy;
    private final CanSendFrom canSendFrom;
    private final DomainList domains;
    private boolean requireAuthForLocalSenders;

    private final Refusals refusals = new Refusals();

    @Inject
    public SenderPolicyHook(SenderPolicy policy, CanSendFrom canSendFrom, DomainList domains) {
        this.policy = policy;
        this.canSendFrom = canSendFrom;
        this.domains = domains;
    }

    /**
     * {@code <requireAuthForLocalSenders>true</requireAuthForLocalSenders>} (submission listeners): an
     * unauthenticated client may not use an address of a local domain as sender ({@code 530 5.7.1}), as James's
     * verifyIdentity does.
     */
    @Override
    public void init(Configuration config) {
        requireAuthForLocalSenders = config.getBoolean("requireAuthForLocalSenders", false);
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        Optional<SmtpPrincipal> principal = SmtpSessions.principal(session);
        if (principal.isPresent() && principal.get().account().isPresent()) {
            Account account = principal.get().account().get();
            if (account.fromOverride().isPresent()) {
                return HookResult.DECLINED; // whatever the client says, the mail leaves as the override address
            }
            if (sender.isNullSender() || !policy.allows(account, sender.get().asString())) {
                LOGGER.info("Postbridge: MAIL FROM <{}> refused for account '{}': not an allowed sender", sender.asString(), account.name());
                return refusals.refused(io.postbridge.core.metrics.MetricNames.Refusal.POLICY, senderNotAllowed(sender, account));
            }
            return HookResult.DECLINED;
        }
        if (principal.isEmpty() && session.getUsername() != null) {
            return jamesUserMail(session, sender);
        }
        if (principal.isEmpty() && requireAuthForLocalSenders && !sender.isNullSender() && isLocal(sender.get())) {
            return AUTHENTICATION_REQUIRED;
        }
        return HookResult.DECLINED;
    }

    private boolean isLocal(MailAddress address) {
        try {
            return domains.containsDomain(address.getDomain());
        } catch (DomainListException e) {
            LOGGER.warn("Postbridge: cannot read the domain list: {}", e.getMessage());
            return true; // fail closed: ask for AUTH
        }
    }

    /** A James mailbox user may send as its own address or an alias of it (James's verifyIdentity rule). */
    private HookResult jamesUserMail(SMTPSession session, MaybeSender sender) {
        Username user = session.getUsername();
        if (!sender.isNullSender() && canSendFrom.userCanSendFrom(user, Username.fromMailAddress(sender.get()))) {
            return HookResult.DECLINED;
        }
        LOGGER.info("Postbridge: MAIL FROM <{}> refused for user {}: not its address", sender.asString(), user.asString());
        return refusals.refused(io.postbridge.core.metrics.MetricNames.Refusal.POLICY, senderNotAllowed(sender, user));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Optional<SmtpPrincipal> principal = SmtpSessions.principal(session);
        if (principal.isEmpty()) {
            if (session.getUsername() != null) {
                setAttribute(mail, SubmissionAttributes.AUTH_KIND, "james-user");
            }
            return HookResult.DECLINED;
        }
        stamp(mail, principal.get());
        if (principal.get().account().isEmpty()) {
            return HookResult.DECLINED;
        }
        Account account = principal.get().account().get();
        try {
            if (account.fromOverride().isPresent()) {
                return rewriteFrom(mail, account, account.fromOverride().get());
            }
            return checkHeaderFrom(mail.getMessage(), account);
        } catch (MessagingException e) {
            LOGGER.info("Postbridge: message of account '{}' refused: unreadable header From ({})", account.name(), e.getMessage());
            return FROM_UNPARSEABLE;
        }
    }

    // returns DECLINED so James goes on and spools the mail (OK would drop it silently)
    private HookResult checkHeaderFrom(MimeMessage message, Account account) throws MessagingException {
        List<String> from = fromAddresses(message);
        if (from.isEmpty()) {
            return refusals.refused(io.postbridge.core.metrics.MetricNames.Refusal.POLICY, noFromHeader(account));
        }
        for (String address : from) {
            if (!policy.allows(account, address)) {
                LOGGER.info("Postbridge: message refused for account '{}': header From <{}> is not an allowed sender", account.name(), address);
                return refusals.refused(io.postbridge.core.metrics.MetricNames.Refusal.POLICY, headerFromNotAllowed(address, account));
            }
        }
        return HookResult.DECLINED;
    }

    private HookResult rewriteFrom(Mail mail, Account account, String override) throws MessagingException {
        MimeMessage message = mail.getMessage();
        String original = String.join(", ", fromAddresses(message));
        message.setFrom(new InternetAddress(override));
        if (mail instanceof MailImpl) {
            ((MailImpl) mail).setSender(new MailAddress(override));
        }
        LOGGER.debug("Postbridge: From <{}> of account '{}' rewritten to <{}>", original, account.name(), override);
        return HookResult.DECLINED;
    }

    private static List<String> fromAddresses(MimeMessage message) throws MessagingException {
        String header = message.getHeader("From", ",");
        List<String> addresses = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return addresses;
        }
        try {
            for (Address address : InternetAddress.parseHeader(header, false)) {
                if (address instanceof InternetAddress && ((InternetAddress) address).getAddress() != null) {
                    addresses.add(((InternetAddress) address).getAddress());
                }
            }
        } catch (AddressException e) {
            throw new MessagingException(e.getMessage(), e);
        }
        return addresses;
    }

    private static void stamp(Mail mail, SmtpPrincipal principal) {
        switch (principal.kind()) {
            case API_KEY:
                setAttribute(mail, SubmissionAttributes.AUTH_KIND, "api-key");
                setAttribute(mail, SubmissionAttributes.ACCOUNT, principal.name());
                break;
            case TRUSTED_NETWORK:
                setAttribute(mail, SubmissionAttributes.AUTH_KIND, "trusted-network");
                setAttribute(mail, SubmissionAttributes.ACCOUNT, principal.name());
                break;
            case MICROSOFT_APP:
                setAttribute(mail, SubmissionAttributes.AUTH_KIND, "microsoft-app");
                setAttribute(mail, SubmissionAttributes.MICROSOFT_APP, principal.name());
                setAttribute(mail, SubmissionAttributes.MICROSOFT_APP_SECRET, principal.microsoftApp().orElseThrow().sealedSecret());
                break;
            default:
                break;
        }
    }

    private static void setAttribute(Mail mail, String name, String value) {
        mail.setAttribute(new Attribute(AttributeName.of(name), AttributeValue.of(value)));
    }

    /** Where refusals are counted (docs/observability.md). */
    @Inject
    public void recordTo(io.postbridge.core.metrics.PostbridgeMetrics metrics) {
        refusals.recordTo(metrics);
    }
}
