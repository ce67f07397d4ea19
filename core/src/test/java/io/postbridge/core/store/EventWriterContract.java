package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.postbridge.core.events.BatchMailEventLog;
import io.postbridge.core.events.BufferedMailEventLog;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;

/**
 * The event log's background writer on the real store: events recorded by many threads are stored complete and in
 * order per mail, in batches (group commit); a full buffer slows the callers instead of growing; a clean stop stores
 * what is buffered; readers see every event recorded before they asked. H2 and PostgreSQL (the subclasses).
 */
public abstract class EventWriterContract extends BackendContract {
    private static final MailEventType[] STEPS = {MailEventType.RECEIVED, MailEventType.QUEUED, MailEventType.DELIVERED};

    protected EventWriterContract(Store store) {
        super(store);
    }

    private JdbcMailEventLog jdbcLog() {
        return new JdbcMailEventLog(new Jdbc(backend.database().dataSource()), clock, JdbcMailEventLog.DEFAULT_RETENTION);
    }

    private MailEvent event(String mail, MailEventType type) {
        return MailEvent.builder(type, mail).at(clock.instant()).recipients(List.of("bob@remote.test")).account(Optional.of("erp"))
            .build();
    }

    /** The store, slowed down: each batch waits for {@link #open} (a database that is busy or stalled). */
    private static final class StalledStore implements BatchMailEventLog {
        private final JdbcMailEventLog store;
        final CountDownLatch open = new CountDownLatch(1);
        final CountDownLatch firstBatch = new CountDownLatch(1);
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

        StalledStore(JdbcMailEventLog store) {
            this.store = store;
        }

        @Override
        public void recordAll(List<MailEvent> events) {
            firstBatch.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batchSizes.add(events.size());
            store.recordAll(events);
        }

        @Override
        public List<MailEvent> recent(int limit, Optional<MailEventType> type) {
            return store.recent(limit, type);
        }
    }

    @Test
    void eventsOfManyThreadsAreStoredCompleteAndInOrderPerMail() throws Exception {
        JdbcMailEventLog store = jdbcLog();
        int threads = 8;
        int mailsPerThread = 100;
        try (BufferedMailEventLog log = new BufferedMailEventLog(store, 64, 500)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(CompletableFuture.runAsync(() -> {
                        for (int m = 0; m < mailsPerThread; m++) {
                            for (MailEventType step : STEPS) {
                                log.record(event("t" + thread + "-m" + m, step));
                            }
                        }
                    }, pool));
                }
                CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            // a reader sees everything recorded before it asked, without waiting itself
            List<MailEvent> all = log.recent(10_000, Optional.empty());
            assertThat(all).hasSize(threads * mailsPerThread * STEPS.length);
            Map<String, List<MailEventType>> perMail = new java.util.HashMap<>();
            for (int i = all.size() - 1; i >= 0; i--) { // oldest first
                perMail.computeIfAbsent(all.get(i).getMailName(), k -> new ArrayList<>()).add(all.get(i).getType());
            }
            assertThat(perMail).hasSize(threads * mailsPerThread);
            assertThat(perMail.values()).allMatch(steps -> steps.equals(List.of(STEPS)));
            assertThat(log.batches()).as("batched: far fewer transactions than events").isLessThan(all.size());
        }
    }

    @Test
    void whatGathersWhileABatchIsCommittedGoesInTheNextBatch() throws Exception {
        StalledStore store = new StalledStore(jdbcLog());
        try (BufferedMailEventLog log = new BufferedMailEventLog(store, 1000, 500)) {
            log.record(event("first", MailEventType.RECEIVED));
            assertThat(store.firstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 300; i++) {
                log.record(event("m" + i, MailEventType.RECEIVED));
            }
            store.open.countDown();
            assertThat(log.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(store.batchSizes).containsExactly(1, 300);
            assertThat(store.recent(1000, Optional.empty())).hasSize(301);
        }
    }

    @Test
    void aTrickleOfEventsIsStoredInFewBatchesNotOneTransactionPerEvent() throws Exception {
        JdbcMailEventLog store = jdbcLog();
        try (BufferedMailEventLog log = new BufferedMailEventLog(store, 1000, 500)) {
            // one event per millisecond, as from a steady stream of mail
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger recorded = new AtomicInteger();
            try {
                pacer.scheduleAtFixedRate(() -> {
                    if (recorded.get() < 200) {
                        log.record(event("m" + recorded.get(), MailEventType.RECEIVED));
                        recorded.incrementAndGet(); // only this one thread writes it
                    }
                }, 0, 1, TimeUnit.MILLISECONDS);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> recorded.get() >= 200);
            } finally {
                pacer.shutdownNow();
            }
            assertThat(log.recent(1000, Optional.empty())).hasSize(200);
            assertThat(log.batches()).as("the writer gathers for a moment instead of committing every event alone").isLessThan(50);
        }
    }

    @Test
    void aFullBufferMakesTheCallerWaitInsteadOfGrowing() throws Exception {
        StalledStore store = new StalledStore(jdbcLog());
        try (BufferedMailEventLog log = new BufferedMailEventLog(store, 10, 500)) {
            log.record(event("m0", MailEventType.RECEIVED)); // taken by the writer, which then stalls
            assertThat(store.firstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 10; i++) {
                log.record(event("m" + i, MailEventType.RECEIVED)); // fills the buffer
            }
            assertThat(log.buffered()).isEqualTo(10);
            CompletableFuture<Void> eleventh = CompletableFuture.runAsync(() -> log.record(event("m11", MailEventType.RECEIVED)));
            Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> !eleventh.isDone()); // waits for room
            assertThat(log.buffered()).as("never more than the capacity").isEqualTo(10);
            assertThat(log.waitedForRoom()).isEqualTo(1);

            store.open.countDown();
            eleventh.get(10, TimeUnit.SECONDS);
            assertThat(log.recent(100, Optional.empty())).extracting(MailEvent::getMailName).hasSize(12).contains("m11");
        }
    }

    @Test
    void aCleanStopStoresEverythingStillBuffered() throws Exception {
        StalledStore store = new StalledStore(jdbcLog());
        BufferedMailEventLog log = new BufferedMailEventLog(store, 1000, 50);
        log.record(event("m0", MailEventType.RECEIVED));
        assertThat(store.firstBatch.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < 200; i++) {
            log.record(event("m" + i, MailEventType.RECEIVED));
        }
        assertThat(log.buffered()).isEqualTo(199);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(log::close);
        Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
            .until(() -> !closed.isDone()); // close waits for the buffered events
        store.open.countDown();
        closed.get(30, TimeUnit.SECONDS);
        assertThat(store.batchSizes).as("in batches of at most 50").containsExactly(1, 50, 50, 50, 49);
        // after the stop, an event is stored by its caller
        log.record(event("late", MailEventType.DELIVERED));
        List<String> names = store.recent(1000, Optional.empty()).stream().map(MailEvent::getMailName).collect(Collectors.toList());
        assertThat(names).hasSize(201).contains("m0", "m199", "late");
    }

    @Test
    void theBackendFlushesItsEventsWhenItIsClosed() {
        for (int i = 0; i < 2000; i++) {
            backend.events().record(event("m" + i, STEPS[i % 3]));
        }
        restart();
        assertThat(backend.events().recent(5000, Optional.empty())).hasSize(2000);
    }

    @Test
    void eventsCanBeTurnedOff() {
        restart(Map.of(io.postbridge.core.settings.PostbridgeSettings.EVENTS_ENABLED, "false"));
        backend.events().record(event("m1", MailEventType.RECEIVED));
        assertThat(backend.events().recent(10, Optional.empty())).isEmpty();
        restart(Map.of());
        assertThat(backend.events().recent(10, Optional.empty())).isEmpty();
    }
}
