package io.postbridge.core.accounts;

import java.util.Optional;

/** The non-secret provider settings of each account (secrets: {@link io.postbridge.core.secrets.SecretVault}). */
public interface ProviderSettingsRepository {
    void put(long accountId, ProviderSettings settings);

    Optional<ProviderSettings> get(long accountId);

    boolean delete(long accountId);
}
