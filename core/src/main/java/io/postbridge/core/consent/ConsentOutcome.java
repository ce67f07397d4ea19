package io.postbridge.core.consent;

import java.util.Objects;
import java.util.Optional;

/** What the callback page tells the user: connected (with the key, once), or which problem and what to do. */
public final class ConsentOutcome {
    public enum Kind {
        CONNECTED,
        RECONNECTED,
        /** The user pressed cancel / deny at the provider. */
        DENIED,
        /** Granular consent: the send-mail permission was unticked. The partial grant was revoked. */
        SEND_SCOPE_MISSING,
        /** The callback was opened a second time (reload, back button, replay). */
        LINK_USED,
        /** Unknown, expired or another browser's state, or no cookie. */
        LINK_EXPIRED,
        NO_REFRESH_TOKEN,
        PROVIDER_DOWN,
        PROVIDER_ERROR,
        DOMAIN_NOT_ALLOWED,
        IDENTITY_MISMATCH,
        NOT_INVITED,
        NOT_CONFIGURED
    }

    private final Kind kind;
    private final ConsentProvider provider;
    private final Optional<ConsentAccounts.Connected> connected;
    private final Optional<String> mailbox;
    private final Optional<String> providerText;

    private ConsentOutcome(Kind kind, ConsentProvider provider, Optional<ConsentAccounts.Connected> connected,
                           Optional<String> mailbox, Optional<String> providerText) {
        this.kind = Objects.requireNonNull(kind);
        this.provider = Objects.requireNonNull(provider);
        this.connected = connected;
        this.mailbox = mailbox;
        this.providerText = providerText;
    }

    public static ConsentOutcome connected(ConsentProvider provider, ConsentAccounts.Connected connected, String mailbox) {
        return new ConsentOutcome(connected.created() ? Kind.CONNECTED : Kind.RECONNECTED, provider, Optional.of(connected),
            Optional.of(mailbox), Optional.empty());
    }

    public static ConsentOutcome problem(Kind kind, ConsentProvider provider, Optional<String> mailbox, Optional<String> providerText) {
        return new ConsentOutcome(kind, provider, Optional.empty(), mailbox, providerText);
    }

    public Kind kind() {
        return kind;
    }

    public boolean success() {
        return connected.isPresent();
    }

    public ConsentProvider provider() {
        return provider;
    }

    public Optional<ConsentAccounts.Connected> connected() {
        return connected;
    }

    /** The address the provider said signed in (for the retry link's login_hint), when known. */
    public Optional<String> mailbox() {
        return mailbox;
    }

    /** The provider's own words (error_description, AADSTS sentence): shown HTML-escaped. */
    public Optional<String> providerText() {
        return providerText;
    }

    @Override
    public String toString() {
        return kind + " " + provider.pathName() + mailbox.map(m -> " " + m).orElse("");
    }
}
