package io.postbridge.core.ratelimit;

/**
 * Counts use per subject (an account) and window. In memory on one node; in the shared database when several
 * nodes must count together.
 */
public interface RateLimiter {
    /**
     * Adds {@code amount} to the subject's current window if the total stays within {@code limit}.
     *
     * @return false (and counts nothing) when it would exceed the limit
     */
    boolean tryAcquire(String subject, RateWindow window, long amount, long limit);
}
