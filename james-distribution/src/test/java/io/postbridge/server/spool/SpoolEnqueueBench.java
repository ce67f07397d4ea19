package io.postbridge.server.spool;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.codahale.metrics.MetricRegistry;

/**
 * Benchmark, not a test (bench profile: {@code mvn -B -Pbench verify -pl james-distribution -am
 * -Dit.test=SpoolEnqueueBench}). The engine comparison behind the durable spool: 20 threads enqueue 2 KB mails into a
 * KahaDB-backed queue (every enqueue synced), then one consumer drains them, for
 * <ol>
 * <li>James's {@code ActiveMQCacheableMailQueue} as the previous Postbridge server used it (one shared session and
 * producer, body as a blob file);</li>
 * <li>the same with the body inside the message;</li>
 * <li>{@link DurableMailQueue} (producer pool, one connection each) with KahaDB's default concurrent store and
 * dispatch;</li>
 * <li>{@link DurableMailQueue} with the store in the sending thread (what the server runs).</li>
 * </ol>
 * Sizes: {@code -Dbench.spool.messages=4000 -Dbench.spool.threads=20}.
 */
class SpoolEnqueueBench {
    private static final int MESSAGES = Integer.getInteger("bench.spool.messages", 4000);
    private static final int THREADS = Integer.getInteger("bench.spool.threads", 20);

    @TempDir
    Path tmp;

    @Test
    void run() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Spool engine benchmark: %d mails of 2 KB, %d enqueuing threads, %d cores",
            MESSAGES, THREADS, Runtime.getRuntime().availableProcessors()));
        report.add(variant("James ActiveMQCacheableMailQueue, shared session, blob body (previous server)", "a", Kind.STOCK_BLOB, true));
        report.add(variant("James ActiveMQCacheableMailQueue, shared session, body in message", "b", Kind.STOCK_INLINE, true));
        report.add(variant("DurableMailQueue, producer pool, concurrentStoreAndDispatch=true", "c", Kind.DURABLE, true));
        report.add(variant("DurableMailQueue, producer pool, store in sender thread (server)", "d", Kind.DURABLE, false));
        report.forEach(System.out::println);
    }

    private enum Kind { STOCK_BLOB, STOCK_INLINE, DURABLE }

    private String variant(String label, String dir, Kind kind, boolean concurrentStoreAndDispatch) throws Exception {
        File base = tmp.resolve(dir).toFile();
        DurableBroker broker = new DurableBroker(fileSystem(base), concurrentStoreAndDispatch);
        DropWizardMetricFactory metrics = new DropWizardMetricFactory(new MetricRegistry());
        MailQueueName name = MailQueueName.of("bench");
        ManageableMailQueue queue = kind == Kind.DURABLE
            ? new DurableMailQueue(broker.connectionFactory(), broker, new RawMailQueueItemDecoratorFactory(), name, metrics, new NoopGaugeRegistry())
            : new ActiveMQCacheableMailQueue(broker.connectionFactory(), new RawMailQueueItemDecoratorFactory(), name,
                kind == Kind.STOCK_BLOB, metrics, new NoopGaugeRegistry());
        try {
            String body = "Subject: bench\r\nFrom: a@bench.test\r\nTo: b@bench.test\r\n\r\n" + "x".repeat(2000) + "\r\n";
            MimeMessage message = new javax.mail.internet.MimeMessage(javax.mail.Session.getDefaultInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)));
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < MESSAGES) {
                        queue.enQueue(MailImpl.builder().name("m" + i).sender("a@bench.test")
                            .addRecipient(new MailAddress("b@bench.test")).mimeMessage(message).build());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double enqueueRate = MESSAGES / ((System.nanoTime() - start) / 1e9);
            pool.shutdown();

            long drainStart = System.nanoTime();
            AtomicInteger seen = new AtomicInteger();
            reactor.core.publisher.Flux.from(queue.deQueue()).take(MESSAGES).doOnNext(item -> {
                try {
                    item.done(ManageableMailQueue.MailQueueItem.CompletionStatus.SUCCESS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                seen.incrementAndGet();
            }).blockLast();
            double dequeueRate = seen.get() / ((System.nanoTime() - drainStart) / 1e9);
            return String.format(Locale.ROOT, "%-82s enqueue %7.1f msg/s, dequeue+commit %7.1f msg/s", label, enqueueRate, dequeueRate);
        } finally {
            if (queue instanceof org.apache.james.lifecycle.api.Disposable) {
                ((org.apache.james.lifecycle.api.Disposable) queue).dispose();
            }
            broker.stop();
        }
    }

    static FileSystem fileSystem(File base) {
        return new FileSystem() {
            @Override
            public InputStream getResource(String url) {
                throw new UnsupportedOperationException(url);
            }

            @Override
            public File getFile(String fileURL) {
                String path = fileURL.startsWith("file://") ? fileURL.substring("file://".length()) : fileURL;
                File file = new File(path);
                return file.isAbsolute() ? file : new File(base, path);
            }

            @Override
            public File getBasedir() throws FileNotFoundException {
                return base;
            }
        };
    }
}
