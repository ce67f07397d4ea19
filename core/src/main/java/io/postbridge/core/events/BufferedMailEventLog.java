package io.postbridge.core.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log off the mail path: {@link #record} puts the event into a bounded buffer and returns; one background
 * thread takes everything buffered (up to {@code maxBatch}), waits up to {@link #LINGER} for more, and stores it with
 * one {@link BatchMailEventLog#recordAll} call, so while one batch is being committed the next one gathers (group
 * commit). Events are stored in the order they were recorded.
 *
 * <ul>
 *     <li><b>Back-pressure</b>: when the buffer is full, {@code record} waits for room (the SMTP or mailet thread
 *     slows down to the store's pace); memory never grows beyond {@code capacity} events. After
 *     {@link #FULL_WAIT} without room (the writer is stuck) the caller stores its event itself.</li>
 *     <li><b>Readers see what was recorded</b>: {@link #recent} and {@link #accountOfMessage} first wait (at most
 *     {@link #READ_WAIT}) until every event recorded before the call is stored.</li>
 *     <li><b>Clean stop</b>: {@link #close} stores everything buffered before it returns; events recorded after it are
 *     stored synchronously. A crash loses at most the events still buffered (the batch being written and the
 *     next one), never mail.</li>
 * </ul>
 */
public final class BufferedMailEventLog implements MailEventLog, AutoCloseable {
    public static final int DEFAULT_CAPACITY = 10_000;
    public static final int DEFAULT_BATCH = 500;
    static final Duration READ_WAIT = Duration.ofSeconds(5);
    static final Duration FULL_WAIT = Duration.ofSeconds(30);
    static final Duration CLOSE_WAIT = Duration.ofSeconds(60);
    /** How long the writer gathers events for a batch (see {@link #gather}). */
    static final Duration LINGER = Duration.ofMillis(20);
    private static final long LINGER_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final Logger LOGGER = LoggerFactory.getLogger(BufferedMailEventLog.class);

    private final BatchMailEventLog store;
    private final BlockingQueue<MailEvent> buffer;
    private final int maxBatch;
    private final Duration fullWait;
    private final Thread writer;
    /** record() holds the read lock while it buffers; close() takes the write lock to stop buffering. */
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong waitedForRoom = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    /** Readers in {@link #flush}: the writer stores what it has at once instead of gathering more. */
    private final AtomicInteger readersWaiting = new AtomicInteger();
    private final Object progress = new Object();
    private long stored; // guarded by progress: events taken out of the buffer and handed to the store
    private volatile boolean closed;

    public BufferedMailEventLog(BatchMailEventLog store, int capacity, int maxBatch) {
        this(store, capacity, maxBatch, FULL_WAIT);
    }

    BufferedMailEventLog(BatchMailEventLog store, int capacity, int maxBatch, Duration fullWait) {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("capacity and batch size must be positive, were " + capacity + " and " + maxBatch);
        }
        this.store = Objects.requireNonNull(store);
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.fullWait = Objects.requireNonNull(fullWait);
        this.writer = new Thread(this::writeUntilClosed, "postbridge-event-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void record(MailEvent event) {
        Objects.requireNonNull(event);
        boolean buffered = false;
        closing.readLock().lock();
        try {
            if (!closed) {
                accepted.incrementAndGet();
                buffered = buffer.offer(event) || waitForRoom(event);
                if (!buffered) {
                    accepted.decrementAndGet();
                }
            }
        } finally {
            closing.readLock().unlock();
        }
        if (!buffered) {
            store.record(event);
        }
    }

    private boolean waitForRoom(MailEvent event) {
        waitedForRoom.incrementAndGet();
        try {
            if (buffer.offer(event, fullWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOGGER.warn("Postbridge: the event log's buffer stayed full for {}; storing an event on the caller's thread", fullWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public List<MailEvent> recent(int limit, Optional<MailEventType> type) {
        flush(READ_WAIT);
        return store.recent(limit, type);
    }

    @Override
    public List<MailEvent> recent(int limit, Optional<MailEventType> type, Optional<String> account) {
        flush(READ_WAIT);
        return store.recent(limit, type, account);
    }

    @Override
    public Optional<String> accountOfMessage(String messageId) {
        flush(READ_WAIT);
        return store.accountOfMessage(messageId);
    }

    /**
     * Waits until every event recorded before this call is stored (or dropped by a failing store), at most
     * {@code timeout}; returns whether it was.
     */
    public boolean flush(Duration timeout) {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        readersWaiting.incrementAndGet();
        try {
            return awaitStored(target, deadline);
        } finally {
            readersWaiting.decrementAndGet();
        }
    }

    private boolean awaitStored(long target, long deadline) {
        synchronized (progress) {
            while (stored < target) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Events buffered, not yet handed to the store. */
    public int buffered() {
        return buffer.size();
    }

    /** How many times {@code record} found the buffer full and waited (back-pressure). */
    public long waitedForRoom() {
        return waitedForRoom.get();
    }

    /** How many batches were written. */
    public long batches() {
        return batches.get();
    }

    private void writeUntilClosed() {
        List<MailEvent> batch = new ArrayList<>(Math.min(maxBatch, 1024));
        while (true) {
            MailEvent first;
            try {
                first = buffer.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = buffer.poll(); // not interrupted by close(): keep draining
            }
            if (first == null) {
                if (closed && buffer.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.add(first);
            buffer.drainTo(batch, maxBatch - 1);
            gather(batch);
            try {
                store.recordAll(batch);
            } catch (RuntimeException e) {
                LOGGER.warn("Postbridge: cannot store {} mail event(s), dropping them", batch.size(), e);
            }
            batches.incrementAndGet();
            synchronized (progress) {
                stored += batch.size();
                progress.notifyAll();
            }
            batch.clear();
        }
    }

    /**
     * Under a steady trickle each batch would hold one event and pay a whole transaction (the webhook subscriptions'
     * generation read, the commit) for it: the writer waits up to {@link #LINGER} for more, unless a reader is waiting
     * for what was recorded or the log is closing.
     */
    private void gather(List<MailEvent> batch) {
        long until = System.nanoTime() + LINGER.toNanos();
        while (batch.size() < maxBatch && !closed && readersWaiting.get() == 0) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            MailEvent next;
            try {
                next = buffer.poll(Math.min(left, LINGER_STEP_NANOS), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return; // close() does not interrupt; whoever did gets the batch stored now
            }
            if (next != null) {
                batch.add(next);
                buffer.drainTo(batch, maxBatch - batch.size());
            }
        }
    }

    /** Stores everything buffered, then stops the writer; later events are stored on the caller's thread. */
    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            closed = true;
        } finally {
            closing.writeLock().unlock();
        }
        try {
            writer.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOGGER.warn("Postbridge: the event writer did not finish within {}; {} event(s) not stored", CLOSE_WAIT, buffer.size());
        }
    }
}
