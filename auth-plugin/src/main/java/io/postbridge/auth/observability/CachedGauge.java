package io.postbridge.auth.observability;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gauge value read at most once per {@code ttl} (a scrape must not query the store or the queues each time), and
 * -1 when it cannot be read: an exception would fail the whole Prometheus scrape.
 */
final class CachedGauge implements LongSupplier {
    private static final Logger LOGGER = LoggerFactory.getLogger(CachedGauge.class);

    private final String name;
    private final LongSupplier source;
    private final long ttlNanos;
    private long value;
    private long readAt;
    private boolean read;

    CachedGauge(String name, Duration ttl, LongSupplier source) {
        this.name = name;
        this.source = source;
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public synchronized long getAsLong() {
        long now = System.nanoTime();
        if (!read || now - readAt > ttlNanos) {
            try {
                value = source.getAsLong();
            } catch (RuntimeException e) {
                LOGGER.debug("Postbridge: gauge {} not readable: {}", name, e.toString());
                value = -1;
            }
            readAt = now;
            read = true;
        }
        return value;
    }
}
