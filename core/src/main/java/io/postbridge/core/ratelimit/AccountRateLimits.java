package io.postbridge.core.ratelimit;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.accounts.Account;

/**
 * Applies the limits of an account (or the defaults) to its submissions: one message per MAIL command, one
 * recipient per RCPT command. A refused attempt is not counted.
 */
public final class AccountRateLimits {
    private final RateLimiter limiter;
    private final RateLimitPolicy policy;
    private final Clock clock;

    public AccountRateLimits(RateLimiter limiter, RateLimitPolicy policy, Clock clock) {
        this.limiter = Objects.requireNonNull(limiter);
        this.policy = Objects.requireNonNull(policy);
        this.clock = Objects.requireNonNull(clock);
    }

    /** @param subject the account name, or another stable name for a sender without an account */
    public RateLimitDecision message(String subject, Optional<Account> account) {
        int limit = policy.messagesPerMinute(account);
        if (limiter.tryAcquire(subject, RateWindow.MINUTE, 1, limit)) {
            return RateLimitDecision.allowed();
        }
        return RateLimitDecision.refused(RateWindow.MINUTE, limit, RateWindow.MINUTE.nextStart(clock.instant()));
    }

    public RateLimitDecision recipient(String subject, Optional<Account> account) {
        int limit = policy.recipientsPerDay(account);
        if (limiter.tryAcquire(subject, RateWindow.DAY, 1, limit)) {
            return RateLimitDecision.allowed();
        }
        return RateLimitDecision.refused(RateWindow.DAY, limit, RateWindow.DAY.nextStart(clock.instant()));
    }

    public RateLimitPolicy policy() {
        return policy;
    }
}
