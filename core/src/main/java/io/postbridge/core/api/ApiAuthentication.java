package io.postbridge.core.api;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.auth.AuthOutcome;
import io.postbridge.core.auth.SmtpAuthenticator;

/**
 * The account behind an {@code authorization: Bearer pbk_...} header (gRPC metadata or HTTP), checked by the same
 * {@link SmtpAuthenticator} as SMTP AUTH: keyed hash, constant-time comparison, failure throttle.
 */
public final class ApiAuthentication {
    private static final String BEARER = "bearer ";

    private final SmtpAuthenticator authenticator;
    private final Clock clock;

    public ApiAuthentication(SmtpAuthenticator authenticator, Clock clock) {
        this.authenticator = Objects.requireNonNull(authenticator);
        this.clock = Objects.requireNonNull(clock);
    }

    /** @throws ApiFailure UNAUTHENTICATED (bad or missing key), RESOURCE_EXHAUSTED (throttled), UNAVAILABLE */
    public Account authenticate(String authorization, String clientIp) {
        if (authorization == null || !authorization.trim().toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            throw ApiFailure.unauthenticated("an API key is required: 'authorization: Bearer pbk_...'");
        }
        AuthOutcome outcome = authenticator.authenticateKey(authorization.trim().substring(BEARER.length()), clientIp);
        switch (outcome.status()) {
            case SUCCESS:
                return outcome.principal().orElseThrow().account().orElseThrow();
            case THROTTLED:
                throw ApiFailure.exhausted("too many invalid API keys from this client: try again later",
                    Duration.between(clock.instant(), outcome.retryAfter().orElseThrow()));
            case UNAVAILABLE:
                throw ApiFailure.unavailable("the API key cannot be checked now", null);
            case DISABLED:
                throw ApiFailure.unauthenticated("the account of this API key is disabled");
            default:
                throw ApiFailure.unauthenticated("invalid API key");
        }
    }
}
