package io.postbridge.core.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * What the mail path read from the store, kept for {@code refresh} (a change on another node sharing the store is seen
 * within it) and forgotten at once when this node changes it. A read that overlapped a change is not kept: it may
 * hold the row from before the change.
 */
final class StoreReadCache<K, V> {
    private static final long MAX_CACHED = 10_000;

    private final Cache<K, V> values;
    private final AtomicLong changes = new AtomicLong();

    StoreReadCache(Clock clock, Duration refresh) {
        this.values = CacheBuilder.newBuilder()
            .expireAfterWrite(refresh.toNanos(), TimeUnit.NANOSECONDS)
            .maximumSize(MAX_CACHED)
            .ticker(ticker(clock))
            .build();
    }

    /** Guava's caches measure time with a ticker; this one follows the (test's) clock. */
    private static Ticker ticker(Clock clock) {
        return new Ticker() {
            @Override
            public long read() {
                Instant now = clock.instant();
                return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
            }
        };
    }

    /** The kept value, else {@code read}'s; an empty read is not kept (what is absent may be created elsewhere). */
    Optional<V> get(K key, Supplier<Optional<V>> read) {
        V cached = values.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = changes.get();
        Optional<V> value = read.get();
        if (value.isPresent() && changes.get() == before) {
            values.put(key, value.get());
        }
        return value;
    }

    /** After a change of {@code key} through this node. */
    void changed(K key) {
        changes.incrementAndGet();
        values.invalidate(key);
    }

    /** After a change this node cannot tie to one key. */
    void changedAll() {
        changes.incrementAndGet();
        values.invalidateAll();
    }
}
