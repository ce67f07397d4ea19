package io.postbridge.core.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import io.postbridge.core.ratelimit.RateLimiter;
import io.postbridge.core.ratelimit.RateWindow;

/**
 * Counters in the shared store, so several James nodes enforce one limit together. Each attempt is one
 * conditional UPDATE (atomic in both H2 and PostgreSQL); the first use of a window inserts its row.
 */
public final class JdbcRateLimiter implements RateLimiter {
    private static final Duration KEEP = Duration.ofDays(2);
    private static final Duration CLEANUP_EVERY = Duration.ofHours(1);

    private final Jdbc jdbc;
    private final Clock clock;
    private final AtomicLong nextCleanup = new AtomicLong();

    public JdbcRateLimiter(Jdbc jdbc, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public boolean tryAcquire(String subject, RateWindow window, long amount, long limit) {
        if (amount > limit) {
            return false;
        }
        cleanupOccasionally();
        long windowStart = window.startOf(clock.instant());
        for (int attempt = 0; attempt < 2; attempt++) {
            int updated = jdbc.update("UPDATE pb_rate_counter SET used = used + ? "
                    + "WHERE subject = ? AND kind = ? AND window_start = ? AND used + ? <= ?",
                amount, subject, window.name(), windowStart, amount, limit);
            if (updated == 1) {
                return true;
            }
            boolean exists = jdbc.queryOne("SELECT used FROM pb_rate_counter WHERE subject = ? AND kind = ? AND window_start = ?",
                row -> row.getLong("used"), subject, window.name(), windowStart).isPresent();
            if (exists) {
                return false;
            }
            if (jdbc.insertIfAbsent("INSERT INTO pb_rate_counter (subject, kind, window_start, used) VALUES (?, ?, ?, ?)",
                subject, window.name(), windowStart, amount)) {
                return true;
            }
            // another node inserted the row first: count against it
        }
        return false;
    }

    private void cleanupOccasionally() {
        long now = clock.millis();
        long due = nextCleanup.get();
        if (now >= due && nextCleanup.compareAndSet(due, now + CLEANUP_EVERY.toMillis())) {
            jdbc.update("DELETE FROM pb_rate_counter WHERE window_start < ?", now - KEEP.toMillis());
        }
    }
}
