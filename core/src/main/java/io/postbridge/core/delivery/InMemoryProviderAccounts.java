package io.postbridge.core.delivery;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provider accounts held in memory (lost on restart): behind the stored accounts, for trials through
 * {@code /postbridge/provider-accounts}, and what tests use.
 * Remembers which accounts need re-consent and the newest refresh tokens.
 */
public final class InMemoryProviderAccounts implements ProviderAccounts {
    private final Map<String, ProviderAccount> accounts = new ConcurrentHashMap<>();
    private final Map<String, String> reconsent = new ConcurrentHashMap<>();
    private final Map<String, String> rotated = new ConcurrentHashMap<>();

    public InMemoryProviderAccounts put(ProviderAccount account) {
        accounts.put(account.account(), account);
        reconsent.remove(account.account());
        return this;
    }

    public boolean remove(String account) {
        reconsent.remove(account);
        return accounts.remove(account) != null;
    }

    /** Every account, by name. */
    public java.util.SortedMap<String, ProviderAccount> all() {
        return new java.util.TreeMap<>(accounts);
    }

    @Override
    public Optional<ProviderAccount> forAccount(String account) {
        return Optional.ofNullable(accounts.get(account));
    }

    @Override
    public void reconsentNeeded(String account, String reason) {
        reconsent.put(account, reason);
    }

    @Override
    public void refreshTokenRotated(String account, String newRefreshToken) {
        rotated.put(account, newRefreshToken);
        // Microsoft's refresh tokens replace themselves on every use: the next refresh must present the new one
        accounts.computeIfPresent(account, (name, current) -> withRefreshToken(current, newRefreshToken));
    }

    private static ProviderAccount withRefreshToken(ProviderAccount account, String refreshToken) {
        switch (account.kind()) {
            case GMAIL:
                return ProviderAccount.gmail(account.account(), account.clientId().orElseThrow(),
                    account.clientSecret().orElseThrow(), refreshToken);
            case GRAPH_DELEGATED:
                return ProviderAccount.graphDelegated(account.account(), account.tenant().orElseThrow(),
                    account.clientId().orElseThrow(), account.clientSecret().orElseThrow(), refreshToken,
                    account.mailbox().orElseThrow());
            default:
                return account;
        }
    }

    /** Why the account needs re-consent, if it does. */
    @Override
    public Map<String, String> awaitingReconsent() {
        return Map.copyOf(reconsent);
    }

    public Optional<String> reconsentReason(String account) {
        return Optional.ofNullable(reconsent.get(account));
    }

    public Optional<String> latestRefreshToken(String account) {
        return Optional.ofNullable(rotated.get(account));
    }
}
