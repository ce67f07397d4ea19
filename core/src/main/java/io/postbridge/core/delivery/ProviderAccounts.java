package io.postbridge.core.delivery;

import java.util.Optional;

/**
 * Looks up how an account (the SMTP-authenticated user) delivers its mail. The account store implements it; tests
 * and the default module use {@link InMemoryProviderAccounts}.
 */
public interface ProviderAccounts {

    Optional<ProviderAccount> forAccount(String account);

    /**
     * The settings for one message. Microsoft pass-through sessions (SMTP user {@code tenant@client}, password the
     * app's client secret) have no stored account: their secret travels with the mail, sealed with the master key
     * (mail attribute {@link #SEALED_APP_SECRET}), and the implementation that can unseal it returns
     * {@link ProviderAccount#graphApp} for it. App-only tokens are cached per tenant, client and secret, so all
     * pass-through sessions of one app share one token.
     */
    default Optional<ProviderAccount> forMail(String account, Optional<String> sealedAppSecret) {
        return forAccount(account);
    }

    /**
     * Which provider the message's account uses, without reading secrets (for routing): never throws for an
     * account whose settings are incomplete, so its mail reaches ApiDelivery and is deferred with the reason.
     */
    default Optional<DeliveryProvider> providerOf(String account, Optional<String> sealedAppSecret) {
        return forMail(account, sealedAppSecret).map(ProviderAccount::provider);
    }

    /** Mail attribute (String) holding a pass-through application's sealed client secret (set by the SMTP hooks). */
    String SEALED_APP_SECRET = io.postbridge.core.mail.MailAttributes.MICROSOFT_APP_SECRET;

    /**
     * The provider refused the account's grant ({@code invalid_grant}, consent revoked, scope missing): its mail
     * bounces until someone consents again. Implementations flag the account so operators see it.
     */
    void reconsentNeeded(String account, String reason);

    /** The accounts flagged by {@link #reconsentNeeded}, with the provider's reason, until their settings are replaced. */
    default java.util.Map<String, String> awaitingReconsent() {
        return java.util.Map.of();
    }

    /** The provider issued a new refresh token (Microsoft rotates them on every use): store it. */
    void refreshTokenRotated(String account, String newRefreshToken);
}
