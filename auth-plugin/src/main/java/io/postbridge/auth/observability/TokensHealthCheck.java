package io.postbridge.auth.observability;

import java.time.Clock;

import javax.inject.Inject;

import io.postbridge.auth.backend.PostbridgeBackendHolder;
import io.postbridge.core.delivery.ProviderAccounts;
import io.postbridge.core.health.HealthReport;
import io.postbridge.core.health.TokenHealth;
import io.postbridge.core.oauth.TokenCache;

/**
 * {@code Postbridge:tokens}: token endpoints answered recently; degraded when an account needs a new consent
 * ({@code invalid_grant}), see {@link TokenHealth}.
 */
public class TokensHealthCheck extends PostbridgeHealthCheck {
    private final TokenHealth health;

    @Inject
    public TokensHealthCheck(TokenCache tokens, ProviderAccounts accounts, PostbridgeBackendHolder holder) {
        super("Postbridge:tokens");
        this.health = new TokenHealth(tokens.activity(), accounts::awaitingReconsent, Clock.systemUTC(),
            holder.settings().health().tokensWindow());
    }

    @Override
    HealthReport report() {
        return health.check();
    }
}
