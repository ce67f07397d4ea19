package io.postbridge.core.delivery;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * At most {@code limit} concurrent holders per key, without blocking a thread: {@link #acquire} returns a future
 * that completes when a permit is free; waiters are served in arrival order. Used for "at most 4 concurrent requests
 * per Graph mailbox" and the per-account limit.
 */
public final class ConcurrencyLimiter {
    private final int limit;
    private final Map<String, Slot> slots = new HashMap<>();

    public ConcurrencyLimiter(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }

    /** Completes (possibly at once) when the caller holds a permit for {@code key}; give it back with {@link #release}. */
    public CompletableFuture<Void> acquire(String key) {
        synchronized (slots) {
            Slot slot = slots.computeIfAbsent(key, k -> new Slot());
            if (slot.held < limit) {
                slot.held++;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> waiter = new CompletableFuture<>();
            slot.waiters.addLast(waiter);
            return waiter;
        }
    }

    public void release(String key) {
        CompletableFuture<Void> next;
        synchronized (slots) {
            Slot slot = slots.get(key);
            if (slot == null) {
                return;
            }
            next = slot.waiters.pollFirst();
            if (next == null) {
                slot.held--;
                if (slot.held == 0) {
                    slots.remove(key);
                }
            }
        }
        if (next != null) {
            next.complete(null); // the permit passes straight to the next waiter, outside the lock
        }
    }

    /** Permits in use for {@code key} (for tests and metrics). */
    public int inUse(String key) {
        synchronized (slots) {
            Slot slot = slots.get(key);
            return slot == null ? 0 : slot.held;
        }
    }

    private static final class Slot {
        int held;
        final Deque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
    }
}
