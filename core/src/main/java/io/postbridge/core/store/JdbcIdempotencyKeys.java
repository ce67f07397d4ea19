package io.postbridge.core.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.postbridge.core.api.IdempotencyKeys;

/** SendMail idempotency keys in {@code pb_api_idempotency}: the primary key makes the first reservation win on every node. */
public final class JdbcIdempotencyKeys implements IdempotencyKeys {
    public static final Duration KEEP = Duration.ofDays(1);
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(10);

    private final Jdbc jdbc;
    private final Clock clock;
    private final AtomicLong nextCleanup = new AtomicLong();

    public JdbcIdempotencyKeys(Jdbc jdbc, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public Optional<String> reserve(long accountId, String key, String messageId) {
        long now = clock.millis();
        long due = nextCleanup.get();
        if (now >= due && nextCleanup.compareAndSet(due, now + CLEANUP_EVERY.toMillis())) {
            jdbc.update("DELETE FROM pb_api_idempotency WHERE created_at < ?", now - KEEP.toMillis());
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            if (jdbc.insertIfAbsent("INSERT INTO pb_api_idempotency (account_id, idem_key, message_id, created_at) VALUES (?, ?, ?, ?)",
                accountId, key, messageId, now)) {
                return Optional.empty();
            }
            Optional<String> existing = jdbc.queryOne("SELECT message_id FROM pb_api_idempotency WHERE account_id = ? AND idem_key = ?",
                row -> row.getString("message_id"), accountId, key);
            if (existing.isPresent()) {
                return existing;
            }
            // released between our INSERT and SELECT: try again
        }
        throw new StoreException("idempotency key of account " + accountId + " changes too fast to be reserved");
    }

    @Override
    public void release(long accountId, String key) {
        jdbc.update("DELETE FROM pb_api_idempotency WHERE account_id = ? AND idem_key = ?", accountId, key);
    }
}
