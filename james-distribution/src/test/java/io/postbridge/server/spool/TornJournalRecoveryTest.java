package io.postbridge.server.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.io.FileUtils;
import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.codahale.metrics.MetricRegistry;

/**
 * The spool after a full disk and a {@code kill -9} (found by SoakIT): the last journal write was torn, a record
 * header without its record (zero size) at the end of the last {@code db-N.log}. It was never synced, so no 250 was
 * given for it: the broker skips it and starts, with every synced message.
 */
class TornJournalRecoveryTest {
    private static final int MESSAGES = 30;

    @TempDir
    Path tmp;

    @Test
    void aTornRecordAtTheJournalsEndIsSkippedAndEverySyncedMessageIsKept() throws Exception {
        File running = tmp.resolve("running").toFile();
        File crashed = tmp.resolve("crashed").toFile();
        DurableBroker broker = new DurableBroker(SpoolEnqueueBench.fileSystem(running), false);
        DurableMailQueue queue = queue(broker);
        File runningJournal;
        long syncedEnd;
        reactor.core.Disposable consumer = null;
        try {
            for (int i = 0; i < MESSAGES; i++) {
                queue.enQueue(mail("m" + i));
            }
            runningJournal = lastJournalFile(new File(running, "var/store/activemq/brokers/KahaDB"));
            syncedEnd = endOfData(runningJournal);
            // a mailet is processing one mail when the disk fills up: its transaction's records are written after
            // the synced messages, without a sync, and KahaDB's index (checkpointed every 5 s) points at them
            java.util.concurrent.CountDownLatch taken = new java.util.concurrent.CountDownLatch(1);
            consumer = reactor.core.publisher.Flux.from(queue.deQueue()).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .subscribe(item -> taken.countDown(), error -> { }, () -> { }, subscription -> subscription.request(1));
            assertThat(taken.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Thread.sleep(7_000);
            // what a kill -9 leaves: the files as they are while the broker runs
            FileUtils.copyDirectory(new File(running, "var"), new File(crashed, "var"));
        } finally {
            if (consumer != null) {
                consumer.dispose();
            }
            queue.dispose();
            broker.stop();
        }
        // ... except that the full disk did not let the unsynced records reach the journal
        tearAfter(new File(crashed, running.toPath().relativize(runningJournal.toPath()).toString()), syncedEnd);

        DurableBroker restarted = new DurableBroker(SpoolEnqueueBench.fileSystem(crashed), false);
        DurableMailQueue recovered = queue(restarted);
        try {
            Set<String> names = new HashSet<>();
            ManageableMailQueue.MailQueueIterator mails = recovered.browse();
            try {
                mails.forEachRemaining(item -> names.add(item.getMail().getName()));
            } finally {
                mails.close();
            }
            assertThat(names).containsExactlyInAnyOrderElementsOf(
                Stream.iterate(0, i -> i + 1).limit(MESSAGES).map(i -> "m" + i).collect(Collectors.toList()));
        } finally {
            recovered.dispose();
            restarted.stop();
        }
    }

    private static DurableMailQueue queue(DurableBroker broker) {
        return new DurableMailQueue(broker.connectionFactory(), broker, new RawMailQueueItemDecoratorFactory(), MailQueueName.of("spool"),
            new DropWizardMetricFactory(new MetricRegistry()), new NoopGaugeRegistry());
    }

    private static MailImpl mail(String name) throws Exception {
        String body = "Subject: " + name + "\r\nFrom: a@spool.test\r\nTo: b@spool.test\r\n\r\n" + "x".repeat(2000) + "\r\n";
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new Properties()),
            new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)));
        return MailImpl.builder().name(name).sender("a@spool.test").addRecipient(new MailAddress("b@spool.test")).mimeMessage(message).build();
    }

    private static File lastJournalFile(File kahaDB) throws IOException {
        try (Stream<Path> files = Files.list(kahaDB.toPath())) {
            List<Path> logs = files.filter(p -> p.getFileName().toString().matches("db-\\d+\\.log")).collect(Collectors.toList());
            return logs.stream().max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", ""))))
                .orElseThrow().toFile();
        }
    }

    /**
     * Where a full disk stopped the writes: from {@code offset} on, the journal (preallocated with zeros) holds a record
     * header with size 0 and nothing else.
     */
    private static void tearAfter(File journal, long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(journal, "rw")) {
            long end = endOfData(file);
            assertThat(end).as("the unsynced records of the transaction follow the synced messages").isGreaterThan(offset).isLessThan(file.length());
            file.seek(offset);
            file.write(new byte[(int) (end - offset)]);
            file.seek(offset);
            file.writeInt(0);
            file.writeByte(1);
        }
    }

    private static long endOfData(File journal) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(journal, "r")) {
            return endOfData(file);
        }
    }

    /** Where the written data ends: the first run of 4 KB of zeros (the journal is preallocated, its last bytes are not zero). */
    private static long endOfData(RandomAccessFile file) throws IOException {
        byte[] buffer = new byte[(int) file.length()];
        file.seek(0);
        file.readFully(buffer);
        int zeros = 0;
        for (int i = 0; i < buffer.length; i++) {
            zeros = buffer[i] == 0 ? zeros + 1 : 0;
            if (zeros == 4096) {
                return i - zeros + 1;
            }
        }
        return buffer.length;
    }
}
