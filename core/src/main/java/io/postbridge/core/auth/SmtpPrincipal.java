package io.postbridge.core.auth;

import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.microsoft.MicrosoftApp;

/**
 * Who is submitting on an SMTP session: an account (by API key or from a trusted network) or a Microsoft
 * pass-through application.
 */
public final class SmtpPrincipal {
    public enum Kind { API_KEY, TRUSTED_NETWORK, MICROSOFT_APP }

    private final Kind kind;
    private final Optional<Account> account;
    private final Optional<MicrosoftApp> microsoftApp;

    private SmtpPrincipal(Kind kind, Optional<Account> account, Optional<MicrosoftApp> microsoftApp) {
        this.kind = kind;
        this.account = account;
        this.microsoftApp = microsoftApp;
    }

    public static SmtpPrincipal apiKey(Account account) {
        return new SmtpPrincipal(Kind.API_KEY, Optional.of(account), Optional.empty());
    }

    public static SmtpPrincipal trustedNetwork(Account account) {
        return new SmtpPrincipal(Kind.TRUSTED_NETWORK, Optional.of(account), Optional.empty());
    }

    public static SmtpPrincipal microsoftApp(MicrosoftApp app) {
        return new SmtpPrincipal(Kind.MICROSOFT_APP, Optional.empty(), Optional.of(Objects.requireNonNull(app)));
    }

    public Kind kind() {
        return kind;
    }

    public Optional<Account> account() {
        return account;
    }

    public Optional<MicrosoftApp> microsoftApp() {
        return microsoftApp;
    }

    /** The account name, or {@code tenant@client} for a pass-through app. */
    public String name() {
        return account.map(Account::name).orElseGet(() -> microsoftApp.get().id().asString());
    }

    /** What the rate limiter counts against. */
    public String rateLimitSubject() {
        return account.map(a -> "account:" + a.name()).orElseGet(() -> "microsoft-app:" + microsoftApp.get().id().asString());
    }

    @Override
    public String toString() {
        return kind + " " + name();
    }
}
