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
 * <li>{@link DurableMailQueue} with the store in the sending thread (what the server runs);</li>
 * <li>the engines alone, without James's mail format, the same bytes and properties on both: KahaDB (the same broker,
 * one JMS connection and producer per thread, persistent sends; drained by one transacted consumer) and ActiveMQ
 * Artemis' journal ({@code artemis-server} embedded, persistent, NIO journal with fdatasync on every durable send and
 * every commit; one session factory, session and producer per thread blocking until the send is durable; drained by
 * one session committing each acknowledgement).</li>
 * </ol>
 * Every figure is also given as a ratio to variant d, the queue the server runs. Every send and every dequeue commit
 * is synced to disk in every variant, so the figures compare like with like.
 * Sizes: {@code -Dbench.spool.messages=4000 -Dbench.spool.threads=20}; {@code -Dbench.spool.only=d,e,f} runs some.
 */
class SpoolEnqueueBench {
    private static final int MESSAGES = Integer.getInteger("bench.spool.messages", 4000);
    private static final int THREADS = Integer.getInteger("bench.spool.threads", 20);

    @TempDir
    Path tmp;

    @Test
    void run() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Spool engine benchmark: %d mails of 2 KB, %d enqueuing threads, %d cores; every send and every"
            + " dequeue commit synced to disk", MESSAGES, THREADS, Runtime.getRuntime().availableProcessors()));
        List<Figures> all = new ArrayList<>();
        if (runs("a")) {
            all.add(variant("a", "James ActiveMQCacheableMailQueue, shared session, blob body (previous server)", Kind.STOCK_BLOB, true));
        }
        if (runs("b")) {
            all.add(variant("b", "James ActiveMQCacheableMailQueue, shared session, body in message", Kind.STOCK_INLINE, true));
        }
        if (runs("c")) {
            all.add(variant("c", "DurableMailQueue, producer pool, concurrentStoreAndDispatch=true", Kind.DURABLE, true));
        }
        Figures server = runs("d") ? variant("d", "DurableMailQueue, producer pool, store in sender thread (server)", Kind.DURABLE, false) : null;
        if (server != null) {
            all.add(server);
        }
        Figures kahaDb = null;
        if (runs("e")) {
            kahaDb = rawKahaDb();
            all.add(kahaDb);
        }
        Figures artemis = null;
        if (runs("f")) {
            artemis = ArtemisJournalVariant.run(tmp.resolve("f").toFile(), "f", MESSAGES, THREADS, body());
            all.add(artemis);
        }
        for (Figures f : all) {
            report.add(f.line(server));
        }
        if (kahaDb != null && artemis != null) {
            report.add(String.format(Locale.ROOT, "engines alone, Artemis journal / KahaDB: enqueue %.2f, dequeue+commit %.2f",
                artemis.enqueue / kahaDb.enqueue, artemis.dequeue / kahaDb.dequeue));
        }
        report.add(String.format(Locale.ROOT, "load average at the end: %.2f (quote ratios within this run; absolute rates move with the load)",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        report.forEach(System.out::println);
        java.nio.file.Files.write(Path.of("target/bench-spool-engines.txt"), report);
    }

    private static boolean runs(String variant) {
        String only = System.getProperty("bench.spool.only", "");
        return only.isBlank() || List.of(only.split(",")).contains(variant);
    }

    /** One variant's rates; {@link #line} prints them with their ratio to the server's queue. */
    static final class Figures {
        final String id;
        final String label;
        final double enqueue;
        final double dequeue;

        Figures(String id, String label, double enqueue, double dequeue) {
            this.id = id;
            this.label = label;
            this.enqueue = enqueue;
            this.dequeue = dequeue;
        }

        String line(Figures server) {
            String ratio = server == null ? "" : String.format(Locale.ROOT, "   (x d: enqueue %.2f, dequeue %.2f)",
                enqueue / server.enqueue, dequeue / server.dequeue);
            return String.format(Locale.ROOT, "%s) %-96s enqueue %7.1f msg/s, dequeue+commit %7.1f msg/s%s", id, label, enqueue,
                dequeue, ratio);
        }
    }

    /** The mail the variants store: 2 KB of MIME. */
    static byte[] body() {
        return ("Subject: bench\r\nFrom: a@bench.test\r\nTo: b@bench.test\r\n\r\n" + "x".repeat(2000) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /** KahaDB alone: the server's broker, one connection and producer per thread, the mail's bytes and properties. */
    private Figures rawKahaDb() throws Exception {
        DurableBroker broker = new DurableBroker(fileSystem(tmp.resolve("e").toFile()), false);
        byte[] body = body();
        try {
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    javax.jms.Connection connection = broker.connectionFactory().createConnection();
                    try {
                        connection.start();
                        javax.jms.Session session = connection.createSession(false, javax.jms.Session.AUTO_ACKNOWLEDGE);
                        javax.jms.MessageProducer producer = session.createProducer(session.createQueue("bench"));
                        producer.setDeliveryMode(javax.jms.DeliveryMode.PERSISTENT);
                        int i;
                        while ((i = next.getAndIncrement()) < MESSAGES) {
                            javax.jms.BytesMessage message = session.createBytesMessage();
                            engineProperties(i).forEach((k, v) -> {
                                try {
                                    message.setStringProperty(k, v);
                                } catch (javax.jms.JMSException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
                            message.writeBytes(body);
                            producer.send(message);
                        }
                    } finally {
                        connection.close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double enqueueRate = MESSAGES / ((System.nanoTime() - start) / 1e9);
            pool.shutdown();

            javax.jms.Connection connection = broker.connectionFactory().createConnection();
            long drainStart = System.nanoTime();
            int seen = 0;
            try {
                connection.start();
                javax.jms.Session session = connection.createSession(true, javax.jms.Session.SESSION_TRANSACTED);
                javax.jms.MessageConsumer consumer = session.createConsumer(session.createQueue("bench"));
                while (seen < MESSAGES && consumer.receive(5000) != null) {
                    session.commit();
                    seen++;
                }
            } finally {
                connection.close();
            }
            double dequeueRate = seen / ((System.nanoTime() - drainStart) / 1e9);
            return new Figures("e", "engine alone: KahaDB, one JMS connection + producer per thread (same broker settings as d)",
                enqueueRate, dequeueRate);
        } finally {
            broker.stop();
        }
    }

    /** The properties James's queue puts on a mail, as plain strings: the same for both engines alone. */
    static java.util.Map<String, String> engineProperties(int i) {
        return java.util.Map.of("JAMES_MAIL_NAME", "m" + i, "JAMES_MAIL_SENDER", "a@bench.test",
            "JAMES_MAIL_RECIPIENTS", "b@bench.test", "JAMES_MAIL_STATE", "root");
    }

    private enum Kind { STOCK_BLOB, STOCK_INLINE, DURABLE }

    private Figures variant(String dir, String label, Kind kind, boolean concurrentStoreAndDispatch) throws Exception {
        File base = tmp.resolve(dir).toFile();
        DurableBroker broker = new DurableBroker(fileSystem(base), concurrentStoreAndDispatch);
        DropWizardMetricFactory metrics = new DropWizardMetricFactory(new MetricRegistry());
        MailQueueName name = MailQueueName.of("bench");
        ManageableMailQueue queue = kind == Kind.DURABLE
            ? new DurableMailQueue(broker.connectionFactory(), broker, new RawMailQueueItemDecoratorFactory(), name, metrics, new NoopGaugeRegistry())
            : new ActiveMQCacheableMailQueue(broker.connectionFactory(), new RawMailQueueItemDecoratorFactory(), name,
                kind == Kind.STOCK_BLOB, metrics, new NoopGaugeRegistry());
        try {
            MimeMessage message = new javax.mail.internet.MimeMessage(javax.mail.Session.getDefaultInstance(new java.util.Properties()),
                new java.io.ByteArrayInputStream(body()));
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < MESSAGES) {
                        MailImpl mail = MailImpl.builder().name("m" + i).sender("a@bench.test")
                            .addRecipient(new MailAddress("b@bench.test")).mimeMessage(message).build();
                        queue.enQueue(mail);
                        mail.dispose();
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
                    org.apache.james.lifecycle.api.LifecycleUtil.dispose(item.getMail());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                seen.incrementAndGet();
            }).blockLast();
            double dequeueRate = seen.get() / ((System.nanoTime() - drainStart) / 1e9);
            return new Figures(dir, label, enqueueRate, dequeueRate);
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
