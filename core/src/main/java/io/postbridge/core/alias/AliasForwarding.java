package io.postbridge.core.alias;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import io.postbridge.core.srs.SrsCodec;
import io.postbridge.core.signing.SignedAddressException;

/**
 * Alias forwarding as configured: alias resolution plus the SRS side (rewriting the envelope sender of forwarded
 * mail, reversing our SRS addresses when bounces come back).
 */
public final class AliasForwarding {
    private final ForwardingConfig config;
    private final AliasCatalog catalog;
    private final AliasResolver resolver;
    private final LocalMailboxes mailboxes;
    private final Optional<SrsCodec> srs;

    public AliasForwarding(ForwardingConfig config, AliasRepository runtimeAliases, LocalMailboxes mailboxes, Clock clock) {
        this.config = config;
        this.catalog = new AliasCatalog(config.aliases(), runtimeAliases);
        this.resolver = new AliasResolver(catalog, mailboxes, config.resolverSettings());
        this.mailboxes = mailboxes;
        this.srs = config.srs().map(srsConfig -> new SrsCodec(srsConfig.settings(), clock));
    }

    public ForwardingConfig config() {
        return config;
    }

    public AliasCatalog catalog() {
        return catalog;
    }

    public Resolution resolve(String recipient) {
        return resolver.resolve(recipient);
    }

    /** An address this server's SRS would have written: our SRS domain and an SRS0/SRS1 local part. */
    public boolean isOurSrsAddress(String localPart, String domain) {
        return config.srs().isPresent() && config.srs().get().domain().equalsIgnoreCase(domain) && SrsCodec.isSrs(localPart);
    }

    /** The address a returning bounce is for, after checking hash and age. */
    public String reverseSrs(String address) throws SignedAddressException {
        if (srs.isEmpty()) {
            throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.NOT_SIGNED);
        }
        return srs.get().reverse(address);
    }

    /**
     * The envelope sender for a copy forwarded to an external target: SRS in our domain, except for the null
     * sender and for senders of our own domains (their SPF already covers this server).
     */
    public Optional<String> senderForExternalTargets(Optional<String> sender) {
        if (sender.isEmpty() || srs.isEmpty()) {
            return sender;
        }
        String address = sender.get();
        String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        if (mailboxes.isLocalDomain(domain)) {
            return sender;
        }
        return Optional.of(srs.get().forward(address, config.srs().get().domain()));
    }
}
