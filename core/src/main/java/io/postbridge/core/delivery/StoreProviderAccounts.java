package io.postbridge.core.delivery;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountRepository;
import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.accounts.ProviderSettingsRepository;
import io.postbridge.core.accounts.ReconsentFlag;
import io.postbridge.core.microsoft.MicrosoftAppId;
import io.postbridge.core.microsoft.MicrosoftPassThrough;
import io.postbridge.core.secrets.SecretVault;

/**
 * Delivery settings from the account store ({@code PUT /postbridge/accounts/{name}/provider}): the non-secret
 * settings ({@code clientId}, {@code tenantId}, {@code mailbox}) and the encrypted secrets ({@code clientSecret},
 * {@code refreshToken}) of each enabled account, and Microsoft pass-through submissions, whose client secret travels
 * sealed with the mail.
 * <ul>
 * <li>gmail: settings {@code clientId}; secrets {@code clientSecret}, {@code refreshToken}</li>
 * <li>graph, app-only: settings {@code tenantId}, {@code clientId}, optional {@code mailbox}; secret {@code clientSecret}</li>
 * <li>graph, delegated: the same plus secret {@code refreshToken} and setting {@code mailbox}</li>
 * <li>smtp: see {@link io.postbridge.core.delivery.smtp.SmtpUpstream} (secret {@code password}, or with
 * {@code auth: xoauth2} {@code clientSecret} and {@code refreshToken})</li>
 * </ul>
 */
public final class StoreProviderAccounts implements ProviderAccounts {
    public static final String CLIENT_ID = "clientId";
    public static final String TENANT_ID = "tenantId";
    public static final String MAILBOX = "mailbox";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String REFRESH_TOKEN = "refreshToken";
    /** The secret scope AccountRoutes writes provider secrets to. */
    static final String PROVIDER_SECRETS = io.postbridge.core.accounts.AccountAdministration.PROVIDER_SECRETS;
    private static final Logger LOGGER = LoggerFactory.getLogger(StoreProviderAccounts.class);

    private final AccountRepository accounts;
    private final ProviderSettingsRepository settings;
    private final SecretVault vault;
    private final Optional<MicrosoftPassThrough> passThrough;
    private final Optional<io.postbridge.core.delivery.smtp.UpstreamTokenSources> upstreamTokens;

    public StoreProviderAccounts(AccountRepository accounts, ProviderSettingsRepository settings, SecretVault vault,
                                 Optional<MicrosoftPassThrough> passThrough) {
        this(accounts, settings, vault, passThrough, Optional.empty());
    }

    /** @param upstreamTokens where the XOAUTH2 upstreams of provider smtp get their tokens (without: password AUTH only) */
    public StoreProviderAccounts(AccountRepository accounts, ProviderSettingsRepository settings, SecretVault vault,
                                 Optional<MicrosoftPassThrough> passThrough,
                                 Optional<io.postbridge.core.delivery.smtp.UpstreamTokenSources> upstreamTokens) {
        this.upstreamTokens = Objects.requireNonNull(upstreamTokens);
        this.accounts = Objects.requireNonNull(accounts);
        this.settings = Objects.requireNonNull(settings);
        this.vault = Objects.requireNonNull(vault);
        this.passThrough = Objects.requireNonNull(passThrough);
    }

    /**
     * @throws IllegalStateException when the account's provider settings are incomplete (the message says which)
     */
    @Override
    public Optional<ProviderAccount> forAccount(String name) {
        if (!Account.isValidName(name)) {
            return Optional.empty();
        }
        return accounts.findByName(name).filter(Account::enabled)
            .flatMap(account -> settings.get(account.id()).map(provider -> build(account, provider)));
    }

    @Override
    public Optional<ProviderAccount> forMail(String account, Optional<String> sealedAppSecret) {
        if (sealedAppSecret.isPresent() && passThrough.isPresent()) {
            Optional<MicrosoftAppId> app = MicrosoftAppId.parse(account);
            if (app.isPresent()) {
                String secret = passThrough.get().unseal(app.get(), sealedAppSecret.get());
                return Optional.of(ProviderAccount.graphApp(account, app.get().tenantId(), app.get().clientId(), secret,
                    Optional.empty()));
            }
        }
        return forAccount(account);
    }

    @Override
    public Optional<DeliveryProvider> providerOf(String account, Optional<String> sealedAppSecret) {
        if (sealedAppSecret.isPresent() && passThrough.isPresent() && MicrosoftAppId.parse(account).isPresent()) {
            return Optional.of(DeliveryProvider.GRAPH);
        }
        if (!Account.isValidName(account)) {
            return Optional.empty();
        }
        return accounts.findByName(account).filter(Account::enabled).flatMap(a -> settings.get(a.id()))
            .map(provider -> DeliveryProvider.fromWireName(provider.provider().wireName()).orElseThrow());
    }

    /** Kept in the store (every node sees it, a restart keeps it) until the operator writes new provider settings. */
    @Override
    public void reconsentNeeded(String account, String reason) {
        accounts.findByName(account).ifPresent(a -> settings.flagReconsent(a.id(), reason));
        LOGGER.warn("Postbridge: account {} needs its provider consent renewed; its mail bounces until then: {}", account, reason);
    }

    @Override
    public void refreshTokenRotated(String name, String newRefreshToken) {
        accounts.findByName(name).ifPresent(account ->
            vault.put(SecretVault.accountScope(account.id(), PROVIDER_SECRETS), REFRESH_TOKEN, Optional.of(account.id()), newRefreshToken));
    }

    @Override
    public Map<String, String> awaitingReconsent() {
        Map<String, String> flagged = new java.util.TreeMap<>();
        settings.reconsentFlags().forEach((id, flag) -> accounts.findById(id).ifPresent(a -> flagged.put(a.name(), flag.reason())));
        return flagged;
    }

    public Optional<String> reconsentReason(String account) {
        return accounts.findByName(account).flatMap(a -> settings.reconsentFlag(a.id())).map(ReconsentFlag::reason);
    }

    private ProviderAccount build(Account account, ProviderSettings provider) {
        String scope = SecretVault.accountScope(account.id(), PROVIDER_SECRETS);
        Map<String, String> values = provider.settings();
        switch (provider.provider()) {
            case GMAIL:
                return ProviderAccount.gmail(account.name(), setting(account, values, CLIENT_ID),
                    secret(account, scope, CLIENT_SECRET), secret(account, scope, REFRESH_TOKEN));
            case GRAPH:
                Optional<String> refreshToken = vault.get(scope, REFRESH_TOKEN);
                Optional<String> mailbox = Optional.ofNullable(values.get(MAILBOX)).filter(m -> !m.isBlank());
                if (refreshToken.isPresent()) {
                    return ProviderAccount.graphDelegated(account.name(), setting(account, values, TENANT_ID),
                        setting(account, values, CLIENT_ID), secret(account, scope, CLIENT_SECRET), refreshToken.get(),
                        mailbox.orElseThrow(() -> incomplete(account, "settings." + MAILBOX + " (delegated Graph sends from it)")));
                }
                return ProviderAccount.graphApp(account.name(), setting(account, values, TENANT_ID), setting(account, values, CLIENT_ID),
                    secret(account, scope, CLIENT_SECRET), mailbox);
            default:
                try {
                    // read at each attempt: a changed setting or secret makes another route (pool key) at once
                    io.postbridge.core.delivery.smtp.SmtpUpstream upstream = io.postbridge.core.delivery.smtp.SmtpUpstream.parse(values,
                        name -> vault.get(scope, name));
                    if (upstreamTokens.isPresent()) {
                        upstream = upstream.withTokens(upstreamTokens.get(), rotated -> refreshTokenRotated(account.name(), rotated));
                    }
                    return ProviderAccount.smtp(account.name(), upstream);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("account '" + account.name() + "' has invalid smtp settings: " + e.getMessage()
                        + " (PUT /postbridge/accounts/" + account.name() + "/provider)", e);
                }
        }
    }

    private static String setting(Account account, Map<String, String> values, String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank())
            .orElseThrow(() -> incomplete(account, "settings." + name));
    }

    private String secret(Account account, String scope, String name) {
        return vault.get(scope, name).orElseThrow(() -> incomplete(account, "secrets." + name));
    }

    private static IllegalStateException incomplete(Account account, String missing) {
        return new IllegalStateException("account '" + account.name() + "' has incomplete provider settings: " + missing
            + " is missing (PUT /postbridge/accounts/" + account.name() + "/provider)");
    }
}
