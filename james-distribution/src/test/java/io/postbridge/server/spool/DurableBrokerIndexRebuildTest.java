package io.postbridge.server.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.Session;
import javax.jms.TextMessage;

import org.apache.activemq.broker.BrokerRegistry;
import org.apache.james.filesystem.api.FileSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store state a full disk and a {@code kill -9} left in the soak run (docs/soak.md): KahaDB's index names, as the
 * first record of a transaction still open, a journal record that never made it to disk, so KahaDB's replay fails
 * with {@code Invalid location size: 1:N, size: 0}. Built here without a full disk: a checkpoint while a transaction
 * is open, a copy of the files (what {@code kill -9} leaves), and the copy's journal cut at that transaction's write
 * batch (the write the full disk refused). The spool must start on it and still hold the mail it had synced.
 */
class DurableBrokerIndexRebuildTest {
    private static final byte[] BATCH_MAGIC = "WRITE BATCH".getBytes(StandardCharsets.US_ASCII);
    /** KahaDB's record head (size, type) in front of a batch's magic. */
    private static final int RECORD_HEAD_SPACE = 5;

    @TempDir
    Path tmp;

    @Test
    void aStoreWhoseIndexPointsPastItsJournalStartsWithTheIndexRebuiltAndKeepsItsSyncedMail() throws Exception {
        Path running = tmp.resolve("running");
        Path crashed = tmp.resolve("crashed");
        DurableBroker broker = new DurableBroker(fileSystem(running), false);
        try {
            Connection connection = broker.connectionFactory().createConnection();
            connection.start();
            Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            plain.createProducer(plain.createQueue("spool"))
                .send(plain.createTextMessage("synced mail"), DeliveryMode.PERSISTENT, 4, Message.DEFAULT_TIME_TO_LIVE);
            // a checkpoint writes the producer audit now, so the one after the transaction writes only the index
            BrokerRegistry.getInstance().lookup("james").getPersistenceAdapter().checkpoint(true);
            Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
            transacted.createProducer(transacted.createQueue("spool"))
                .send(transacted.createTextMessage("never committed"), DeliveryMode.PERSISTENT, 4, Message.DEFAULT_TIME_TO_LIVE);
            // sent asynchronously (a transaction's records are synced by its commit): wait for its write
            Path journal = running.resolve("var/store/activemq/brokers/KahaDB/db-1.log");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                indexOf(Files.readAllBytes(journal), "never committed".getBytes(StandardCharsets.UTF_8), 0, (int) Files.size(journal)) >= 0);
            // the index checkpoint records the open transaction's first journal location
            BrokerRegistry.getInstance().lookup("james").getPersistenceAdapter().checkpoint(true);
            copy(running.resolve("var/store/activemq"), crashed.resolve("var/store/activemq"));
            connection.close();
        } finally {
            broker.stop();
        }
        cutJournalAtTheBatchOf(crashed.resolve("var/store/activemq/brokers/KahaDB/db-1.log"), "never committed");

        DurableBroker restarted = new DurableBroker(fileSystem(crashed), false);
        try {
            Connection connection = restarted.connectionFactory().createConnection();
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("spool"));
            Message first = consumer.receive(10_000);
            assertThat(first).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) first).getText()).isEqualTo("synced mail");
            assertThat(consumer.receive(1000)).as("the uncommitted message").isNull();
            connection.close();
        } finally {
            restarted.stop();
        }
        try (Stream<Path> files = Files.list(crashed.resolve("var/store/activemq/brokers/KahaDB"))) {
            assertThat(files.map(file -> file.getFileName().toString()))
                .as("the index the start could not use, kept for the operator").anyMatch(name -> name.startsWith("db.data-"));
        }
    }

    /** Zeroes the journal from the start of the write batch holding {@code marker} to its end, as if never written. */
    private static void cutJournalAtTheBatchOf(Path journal, String marker) throws IOException {
        byte[] bytes = Files.readAllBytes(journal);
        int markerAt = indexOf(bytes, marker.getBytes(StandardCharsets.UTF_8), 0, bytes.length);
        assertThat(markerAt).as("the uncommitted message in the journal").isPositive();
        int batch = -1;
        for (int at = indexOf(bytes, BATCH_MAGIC, 0, markerAt); at >= 0; at = indexOf(bytes, BATCH_MAGIC, at + 1, markerAt)) {
            batch = at - RECORD_HEAD_SPACE;
        }
        assertThat(batch).isPositive();
        try (RandomAccessFile file = new RandomAccessFile(journal.toFile(), "rw")) {
            file.seek(batch);
            file.write(new byte[bytes.length - batch]);
        }
    }

    private static int indexOf(byte[] bytes, byte[] wanted, int from, int to) {
        outer:
        for (int i = from; i <= to - wanted.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (bytes[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path source : (Iterable<Path>) tree::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    /** James's file system as the server sets it up: {@code file://var/...} under the server's directory. */
    private static FileSystem fileSystem(Path home) {
        return new FileSystem() {
            @Override
            public InputStream getResource(String url) throws IOException {
                throw new FileNotFoundException(url);
            }

            @Override
            public File getFile(String fileURL) {
                return home.resolve(fileURL.substring(FILE_PROTOCOL.length())).toFile();
            }

            @Override
            public File getBasedir() {
                return home.toFile();
            }
        };
    }
}
