package io.postbridge.core.delivery;

import java.util.Objects;
import java.util.Optional;

/**
 * The account store first, then the accounts held in memory ({@code /postbridge/provider-accounts}, tests).
 */
public final class ChainedProviderAccounts implements ProviderAccounts {
    private final ProviderAccounts first;
    private final ProviderAccounts second;

    public ChainedProviderAccounts(ProviderAccounts first, ProviderAccounts second) {
        this.first = Objects.requireNonNull(first);
        this.second = Objects.requireNonNull(second);
    }

    @Override
    public Optional<ProviderAccount> forAccount(String account) {
        return first.forAccount(account).or(() -> second.forAccount(account));
    }

    @Override
    public Optional<ProviderAccount> forMail(String account, Optional<String> sealedAppSecret) {
        return first.forMail(account, sealedAppSecret).or(() -> second.forMail(account, sealedAppSecret));
    }

    @Override
    public Optional<DeliveryProvider> providerOf(String account, Optional<String> sealedAppSecret) {
        return first.providerOf(account, sealedAppSecret).or(() -> second.providerOf(account, sealedAppSecret));
    }

    @Override
    public void reconsentNeeded(String account, String reason) {
        owner(account).reconsentNeeded(account, reason);
    }

    @Override
    public java.util.Map<String, String> awaitingReconsent() {
        java.util.Map<String, String> all = new java.util.TreeMap<>(second.awaitingReconsent());
        all.putAll(first.awaitingReconsent());
        return all;
    }

    @Override
    public void refreshTokenRotated(String account, String newRefreshToken) {
        owner(account).refreshTokenRotated(account, newRefreshToken);
    }

    private ProviderAccounts owner(String account) {
        return first.providerOf(account, Optional.empty()).isPresent() ? first : second;
    }
}
