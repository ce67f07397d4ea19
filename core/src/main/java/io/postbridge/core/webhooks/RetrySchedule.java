package io.postbridge.core.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed webhook is tried again: the first retry after {@code firstDelay}, each later gap four times the
 * one before (capped at {@code maxDelay}), each gap randomised by ±20 % so that many deliveries failing together
 * do not come back together, and never sooner than the receiver's {@code Retry-After}. With the defaults (10 s,
 * 1 day, 10 attempts) the attempts span about 2.6 days: 10 s, 40 s, 2.7 min, 11 min, 43 min, 2.8 h, 11.4 h, 1 d, 1 d.
 */
public final class RetrySchedule {
    static final int FACTOR = 4;
    static final double JITTER = 0.2;

    private final Duration firstDelay;
    private final Duration maxDelay;
    private final int attempts;
    private final DoubleSupplier random;

    public RetrySchedule(Duration firstDelay, Duration maxDelay, int attempts, DoubleSupplier random) {
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0 || attempts < 1) {
            throw new IllegalArgumentException("need 0 < firstDelay <= maxDelay and attempts >= 1");
        }
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.attempts = attempts;
        this.random = random;
    }

    public int attempts() {
        return attempts;
    }

    /** The time of the next attempt after {@code attemptsMade} failed ones, or empty when none is left. */
    public Optional<Instant> next(int attemptsMade, Instant now, Optional<Duration> retryAfter) {
        if (attemptsMade >= attempts) {
            return Optional.empty();
        }
        double gap = firstDelay.toMillis();
        for (int i = 1; i < attemptsMade && gap < maxDelay.toMillis(); i++) {
            gap *= FACTOR;
        }
        gap = Math.min(gap, maxDelay.toMillis());
        long jittered = Math.round(gap * (1 - JITTER + 2 * JITTER * random.getAsDouble()));
        long wait = Math.max(jittered, retryAfter.map(Duration::toMillis).map(ms -> Math.min(ms, maxDelay.toMillis())).orElse(0L));
        return Optional.of(now.plusMillis(wait));
    }
}
