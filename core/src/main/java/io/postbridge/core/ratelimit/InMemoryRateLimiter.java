package io.postbridge.core.ratelimit;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Counters in this JVM: exact for one node, no database round trip. */
public final class InMemoryRateLimiter implements RateLimiter {
    private final Clock clock;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public InMemoryRateLimiter(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public boolean tryAcquire(String subject, RateWindow window, long amount, long limit) {
        long windowStart = window.startOf(clock.instant());
        Counter counter = counters.computeIfAbsent(window.name() + "\u0000" + subject, key -> new Counter());
        synchronized (counter) {
            if (counter.windowStart != windowStart) {
                counter.windowStart = windowStart;
                counter.used = 0;
            }
            if (counter.used + amount > limit) {
                return false;
            }
            counter.used += amount;
            return true;
        }
    }

    private static final class Counter {
        private long windowStart = Long.MIN_VALUE;
        private long used;
    }
}
