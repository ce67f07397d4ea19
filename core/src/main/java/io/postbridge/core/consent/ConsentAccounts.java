package io.postbridge.core.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.accounts.ProviderSettingsRepository;
import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.apikeys.ApiKeyRecord;
import io.postbridge.core.apikeys.ApiKeys;
import io.postbridge.core.delivery.StoreProviderAccounts;
import io.postbridge.core.secrets.SecretVault;

/**
 * What a successful consent does to the store: the account of that mailbox (created, or the same one again), its
 * provider settings with the refresh token and client secret sealed in the vault, the mailbox as its allowed
 * sender, and one new API key; the account's older keys are revoked, since connecting again is how a user who lost
 * the key proves ownership. Writing the provider settings clears the re-consent flag, so deferred mail goes again.
 */
public final class ConsentAccounts {
    /** Provider setting holding the provider's id of the user who consented, for identity pinning. */
    public static final String SUBJECT = "consentSubject";
    /** Which provider the account was connected with (google, microsoft). */
    public static final String CONNECTED_WITH = "connectedWith";

    private final AccountAdministration administration;
    private final ProviderSettingsRepository providerSettings;
    private final SecretVault vault;
    private final ApiKeys apiKeys;

    /** The account rules are AccountAdministration's (the same as WebAdmin's); this class adds what a consent decides. */
    public ConsentAccounts(AccountAdministration administration, ProviderSettingsRepository providerSettings, SecretVault vault,
                           ApiKeys apiKeys) {
        this.administration = Objects.requireNonNull(administration);
        this.providerSettings = Objects.requireNonNull(providerSettings);
        this.vault = Objects.requireNonNull(vault);
        this.apiKeys = Objects.requireNonNull(apiKeys);
    }

    /** The result of a connect: the key is in clear only here, to be shown once. */
    public static final class Connected {
        private final Account account;
        private final boolean created;
        private final ApiKeys.IssuedApiKey key;
        private final int revokedKeys;
        private final boolean repairedConsent;
        private final Optional<String> previousRefreshToken;

        Connected(Account account, boolean created, ApiKeys.IssuedApiKey key, int revokedKeys, boolean repairedConsent,
                  Optional<String> previousRefreshToken) {
            this.account = account;
            this.created = created;
            this.key = key;
            this.revokedKeys = revokedKeys;
            this.repairedConsent = repairedConsent;
            this.previousRefreshToken = previousRefreshToken;
        }

        public Account account() {
            return account;
        }

        public boolean created() {
            return created;
        }

        public ApiKeys.IssuedApiKey key() {
            return key;
        }

        public int revokedKeys() {
            return revokedKeys;
        }

        /** The account had needsReconsent set: cleared now. */
        public boolean repairedConsent() {
            return repairedConsent;
        }

        /** The refresh token this connect replaced (to revoke at the provider), if it differs. */
        public Optional<String> previousRefreshToken() {
            return previousRefreshToken;
        }
    }

    /** The mailbox's account is pinned to another provider identity (consent.pinIdentity). */
    public static final class IdentityMismatch extends Exception {
        public IdentityMismatch(String account) {
            super("account '" + account + "' belongs to another " + "sign-in of this address");
        }
    }

    /** The account name for a mailbox: alice@example.com → alice.at.example.com; a hash suffix when it would not fit. */
    public static String accountName(String mailbox) {
        String lower = mailbox.toLowerCase(Locale.ROOT);
        String name = lower.replace("@", ".at.").replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        if (name.isEmpty() || name.length() > 64 || !name.equals(lower.replace("@", ".at."))) {
            String hash = shortHash(lower);
            name = (name.length() > 55 ? name.substring(0, 55) : name) + "-" + hash;
        }
        return Account.checkName(name);
    }

    /** The existing account connected for this mailbox, if any. */
    public Optional<Account> find(String mailbox) {
        return administration.find(accountName(mailbox)).filter(account -> mailbox.equalsIgnoreCase(mailboxOf(account).orElse("")));
    }

    private Optional<String> mailboxOf(Account account) {
        return providerSettings.get(account.id()).map(s -> s.settings().get(StoreProviderAccounts.MAILBOX));
    }

    public Connected connect(OAuthClient client, ProviderCalls.Identity identity, String refreshToken, Optional<String> tenantId,
                             boolean pinIdentity) throws IdentityMismatch {
        String name = accountName(identity.mailbox());
        Optional<Account> existing = administration.find(name);
        if (existing.isPresent()) {
            Optional<ProviderSettings> previous = providerSettings.get(existing.get().id());
            Optional<String> previousMailbox = previous.map(s -> s.settings().get(StoreProviderAccounts.MAILBOX));
            Optional<String> previousSubject = previous.map(s -> s.settings().get(SUBJECT));
            if (previousMailbox.isPresent() && !identity.mailbox().equalsIgnoreCase(previousMailbox.get())) {
                throw new IdentityMismatch(name); // an operator-made account with this name for another mailbox
            }
            if (pinIdentity && previousSubject.isPresent() && !previousSubject.get().equals(identity.subject())) {
                throw new IdentityMismatch(name);
            }
        }
        // a new account is enabled; an existing one keeps what the operator set (a disabled account stays disabled)
        AccountAdministration.Saved saved = administration.createOrUpdate(name, UnaryOperator.identity());
        Account account = saved.account();
        boolean created = saved.created();
        String scope = SecretVault.accountScope(account.id(), AccountAdministration.PROVIDER_SECRETS);
        Optional<ProviderSettings> previous = providerSettings.get(account.id());
        boolean repaired = providerSettings.reconsentFlag(account.id()).isPresent();
        Optional<String> previousRefreshToken = previous.filter(p -> p.provider() == client.provider().delivery())
            .flatMap(p -> vault.get(scope, StoreProviderAccounts.REFRESH_TOKEN)).filter(old -> !old.equals(refreshToken));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(StoreProviderAccounts.CLIENT_ID, client.clientId());
        if (client.provider() == ConsentProvider.MICROSOFT) {
            settings.put(StoreProviderAccounts.TENANT_ID, tenantId.orElse(client.tenant()));
        }
        settings.put(StoreProviderAccounts.MAILBOX, identity.mailbox());
        settings.put(SUBJECT, identity.subject());
        settings.put(CONNECTED_WITH, client.provider().pathName());
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put(StoreProviderAccounts.CLIENT_SECRET, client.clientSecret());
        secrets.put(StoreProviderAccounts.REFRESH_TOKEN, refreshToken);
        // clears the re-consent flag; another provider's secrets are dropped
        administration.putProvider(account, client.provider().delivery(), settings, secrets);
        administration.addSender(account, SenderPattern.parse(identity.mailbox()));
        int revoked = 0;
        List<ApiKeyRecord> keys = apiKeys.list(account.id());
        for (ApiKeyRecord key : keys) {
            if (key.live() && apiKeys.revoke(account.id(), key.keyId())) {
                revoked++;
            }
        }
        ApiKeys.IssuedApiKey key = apiKeys.issue(account.id());
        return new Connected(account, created, key, revoked, repaired, previousRefreshToken);
    }

    private static String shortHash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
