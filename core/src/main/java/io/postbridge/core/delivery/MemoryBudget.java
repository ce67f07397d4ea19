package io.postbridge.core.delivery;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds the bytes of message content held in memory by deliveries in progress, without blocking a thread: a
 * delivery asks for its weight and waits (in arrival order) until it fits. A message heavier than the whole budget
 * still goes, alone. Keeps a burst of 40 MB messages from exhausting the heap.
 */
public final class MemoryBudget {
    private final long capacity;
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private long used;

    public MemoryBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** A budget of a share of this JVM's maximum heap. */
    public static MemoryBudget shareOfHeap(double share) {
        return new MemoryBudget(Math.max(64L * 1024 * 1024, (long) (Runtime.getRuntime().maxMemory() * share)));
    }

    public CompletableFuture<Void> acquire(long weight) {
        synchronized (this) {
            if (waiters.isEmpty() && fits(weight)) {
                used += weight;
                return CompletableFuture.completedFuture(null);
            }
            Waiter waiter = new Waiter(weight);
            waiters.addLast(waiter);
            return waiter.future;
        }
    }

    public void release(long weight) {
        Deque<Waiter> ready = new ArrayDeque<>();
        synchronized (this) {
            used -= weight;
            while (!waiters.isEmpty() && fits(waiters.peekFirst().weight)) {
                Waiter next = waiters.pollFirst();
                used += next.weight;
                ready.add(next);
            }
        }
        ready.forEach(waiter -> waiter.future.complete(null));
    }

    public synchronized long used() {
        return used;
    }

    private boolean fits(long weight) {
        return used == 0 || used + weight <= capacity;
    }

    private static final class Waiter {
        final long weight;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Waiter(long weight) {
            this.weight = weight;
        }
    }
}
