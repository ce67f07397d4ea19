package io.postbridge.core.events;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.Spliterators;
import java.util.Spliterator;

/**
 * Keeps the newest {@code capacity} events in memory: enough for one node's troubleshooting,
 * bounded so a flood of mail cannot exhaust the heap. The server uses the store's
 * {@link io.postbridge.core.store.JdbcMailEventLog} (kept across restarts, shared by nodes); this one is for tests.
 */
public class InMemoryMailEventLog implements MailEventLog {
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final Deque<MailEvent> events = new ArrayDeque<>();

    public InMemoryMailEventLog() {
        this(DEFAULT_CAPACITY);
    }

    public InMemoryMailEventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void record(MailEvent event) {
        if (events.size() == capacity) {
            events.removeLast();
        }
        events.addFirst(event);
    }

    @Override
    public List<MailEvent> recent(int limit, Optional<MailEventType> type) {
        return recent(limit, type, Optional.empty());
    }

    @Override
    public synchronized List<MailEvent> recent(int limit, Optional<MailEventType> type, Optional<String> account) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        return newestFirst()
            .filter(event -> type.map(t -> t == event.getType()).orElse(true))
            .filter(event -> account.isEmpty() || event.getAccount().equals(account))
            .limit(limit)
            .collect(Collectors.toList());
    }

    private Stream<MailEvent> newestFirst() {
        Iterator<MailEvent> iterator = events.iterator();
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false);
    }
}
