package io.postbridge.core.delivery;

import java.util.Optional;

/**
 * Looks up how an account (the SMTP-authenticated user) delivers its mail. The account store implements it; tests
 * and the default module use {@link InMemoryProviderAccounts}.
 */
public interface ProviderAccounts {

    Optional<ProviderAccount> forAccount(String account);

    /**
     * The provider refused the account's grant ({@code invalid_grant}, consent revoked, scope missing): its mail
     * bounces until someone consents again. Implementations flag the account so operators see it.
     */
    void reconsentNeeded(String account, String reason);

    /** The provider issued a new refresh token (Microsoft rotates them on every use): store it. */
    void refreshTokenRotated(String account, String newRefreshToken);
}
