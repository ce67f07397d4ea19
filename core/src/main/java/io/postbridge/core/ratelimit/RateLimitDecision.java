package io.postbridge.core.ratelimit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Allowed, or refused with the limit that was hit and when the window ends. */
public final class RateLimitDecision {
    private static final RateLimitDecision ALLOWED = new RateLimitDecision(null, 0, null);

    private final RateWindow window;
    private final long limit;
    private final Instant retryAfter;

    private RateLimitDecision(RateWindow window, long limit, Instant retryAfter) {
        this.window = window;
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    public static RateLimitDecision allowed() {
        return ALLOWED;
    }

    public static RateLimitDecision refused(RateWindow window, long limit, Instant retryAfter) {
        return new RateLimitDecision(Objects.requireNonNull(window), limit, Objects.requireNonNull(retryAfter));
    }

    public boolean isAllowed() {
        return window == null;
    }

    public Optional<RateWindow> window() {
        return Optional.ofNullable(window);
    }

    public long limit() {
        return limit;
    }

    public Optional<Instant> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
