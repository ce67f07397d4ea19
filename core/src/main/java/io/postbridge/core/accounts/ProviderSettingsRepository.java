package io.postbridge.core.accounts;

import java.util.Optional;

/** The non-secret provider settings of each account (secrets: {@link io.postbridge.core.secrets.SecretVault}). */
public interface ProviderSettingsRepository {
    /** Creates or replaces the settings; clears the re-consent flag (the operator has written new settings). */
    void put(long accountId, ProviderSettings settings);

    Optional<ProviderSettings> get(long accountId);

    boolean delete(long accountId);

    /**
     * Flags the account: its provider wants a new consent. Keeps the time of the first flag and the latest reason.
     *
     * @return false when the account has no provider settings (nothing to flag)
     */
    boolean flagReconsent(long accountId, String reason);

    /** The re-consent flag, until {@link #put} clears it. */
    Optional<ReconsentFlag> reconsentFlag(long accountId);

    /** Every flagged account's flag, by account id (metrics and the tokens health check). */
    default java.util.Map<Long, ReconsentFlag> reconsentFlags() {
        return java.util.Map.of();
    }
}
