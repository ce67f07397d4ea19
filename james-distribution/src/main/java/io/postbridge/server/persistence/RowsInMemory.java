package io.postbridge.server.persistence;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory copy of some James rows, read again when older than a second (for changes another server made in a
 * shared database) and dropped by every change made through this server. A change made while a read runs is not
 * hidden by it: that read's copy is used once, not kept.
 */
final class RowsInMemory<T> {
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Reads the rows; throws what the James store it reads from throws. */
    interface Reader<T, E extends Exception> {
        T read() throws E;
    }

    private final AtomicLong generation = new AtomicLong();
    private volatile Copy<T> copy;

    <E extends Exception> T current(Reader<T, E> reader) throws E {
        Copy<T> current = copy;
        long now = System.nanoTime();
        if (current != null && now - current.readAt < MAX_AGE_NANOS) {
            return current.rows;
        }
        long before = generation.get();
        Copy<T> read = new Copy<>(reader.read(), now);
        if (generation.get() == before) {
            copy = read;
        }
        return read.rows;
    }

    /** After a change through this server: the next question reads the rows again. */
    void drop() {
        generation.incrementAndGet();
        copy = null;
    }

    private static final class Copy<T> {
        final T rows;
        final long readAt;

        Copy(T rows, long readAt) {
            this.rows = rows;
            this.readAt = readAt;
        }
    }
}
