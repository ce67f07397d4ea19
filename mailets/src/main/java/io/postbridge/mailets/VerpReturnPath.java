package io.postbridge.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.srs.SrsCodec;
import io.postbridge.core.verp.VerpAddress;
import io.postbridge.core.verp.VerpCodec;
import io.postbridge.core.signing.SignedAddressException;
import io.postbridge.core.verp.VerpReturnPaths;

/**
 * {@code <mode>sign</mode>} (default): gives an account's relayed mail a signed, expiring VERP return path per
 * recipient ({@code verp.*} in postbridge.properties, docs/bounces.md), so an asynchronous bounce names the account,
 * the message and the recipient. Each recipient gets its own copy, spooled back to this processor (where this
 * mailet lets it pass: it is already signed); the original mail ends here. Put it before the {@code queued} event.
 * Mail without an authenticated account (DSNs, forwarded mail), with a null sender, with an SRS sender (forwarded
 * mail keeps its SRS address) or whose sender has no bounce domain keeps its return path.
 *
 * <p>{@code <mode>restore</mode>}, in the processor that makes DSNs: puts the original sender back, so our own
 * DSN goes to the sender instead of to its VERP address.
 */
public class VerpReturnPath extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(VerpReturnPath.class);
    private static final String MODE = "mode";

    private final VerpReturnPaths verp;
    private boolean restore;

    @Inject
    public VerpReturnPath(VerpReturnPaths verp) {
        this.verp = verp;
    }

    @Override
    public void init() throws MessagingException {
        try {
            SettingsReader parameters = MailetParameters.read(this, Set.of(MODE));
            restore = parameters.choice(MODE, v -> Optional.of(v.trim()).filter(m -> m.equals("sign") || m.equals("restore")),
                "'sign' or 'restore'").orElse("sign").equals("restore");
        } catch (SettingProblem.Invalid e) {
            throw MailetParameters.problem(e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<VerpCodec> codec = verp.codec();
        Optional<MailAddress> sender = mail.getMaybeSender().asOptional();
        if (codec.isEmpty() || sender.isEmpty() || SrsCodec.isSrs(sender.get().getLocalPart())) {
            return;
        }
        if (restore) {
            restore(mail, codec.get(), sender.get());
            return;
        }
        Optional<String> account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class);
        if (account.isEmpty() || VerpCodec.isVerp(sender.get().getLocalPart()) || mail.getRecipients().isEmpty()) {
            return;
        }
        Optional<String> bounceDomain = codec.get().bounceDomain(sender.get().getDomain().asString(),
            domain -> getMailetContext().isLocalServer(Domain.of(domain)));
        if (bounceDomain.isEmpty()) {
            return;
        }
        String messageId = Optional.ofNullable(mail.getMessage().getMessageID()).orElse(mail.getName());
        // one copy per recipient, each spooled (durably) back to this processor; the original is done with
        List<MailAddress> recipients = new ArrayList<>(mail.getRecipients());
        for (int i = 0; i < recipients.size(); i++) {
            MailImpl copy = MailImpl.duplicate(mail);
            copy.setName(mail.getName() + "-verp-" + i);
            copy.setRecipients(List.of(recipients.get(i)));
            copy.setSender(returnPath(codec.get(), sender.get(), account.get(), messageId, recipients.get(i), bounceDomain.get()));
            getMailetContext().sendMail(copy, mail.getState());
        }
        mail.setState(Mail.GHOST);
    }

    private static MailAddress returnPath(VerpCodec codec, MailAddress sender, String account, String messageId,
                                          MailAddress recipient, String bounceDomain) throws MessagingException {
        try {
            return new MailAddress(codec.encode(sender.asString(), account, messageId, recipient.asString(), bounceDomain));
        } catch (IllegalArgumentException | javax.mail.internet.AddressException e) {
            // an address we cannot sign still leaves: with its own return path, as without VERP
            LOGGER.warn("Postbridge: no VERP return path for {} to {}: {}", sender.asString(), recipient.asString(), e.getMessage());
            return sender;
        }
    }

    private static void restore(Mail mail, VerpCodec codec, MailAddress sender) throws MessagingException {
        if (!VerpCodec.isVerp(sender.getLocalPart())) {
            return;
        }
        try {
            VerpAddress decoded = codec.decode(sender.asString());
            if (mail instanceof MailImpl) {
                ((MailImpl) mail).setSender(new MailAddress(decoded.originalSender()));
            } else {
                LOGGER.warn("Postbridge: mail {} is no MailImpl, its VERP return path cannot be restored", mail.getName());
            }
        } catch (SignedAddressException e) {
            LOGGER.warn("Postbridge: mail {} has a VERP return path that does not verify ({}); left as it is", mail.getName(),
                e.text());
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: signed VERP return paths for relayed mail";
    }
}
