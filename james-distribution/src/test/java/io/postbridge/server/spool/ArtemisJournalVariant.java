package io.postbridge.server.spool;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * {@link SpoolEnqueueBench}'s ActiveMQ Artemis variant (issue 14's engine comparison; artemis-server is a test
 * dependency only, the server does not ship it): an embedded, persistent Artemis broker on the NIO journal with
 * fdatasync ({@code journalDatasync}) for every durable send and every transaction, reached in-VM. Each enqueuing
 * thread has its own session factory, session and producer, and its send returns once the journal synced it
 * ({@code blockOnDurableSend}); concurrent sends share a sync within Artemis' journal buffer timeout (its group
 * commit: {@code -Dbench.artemis.bufferTimeoutNanos}, default Artemis' own for NIO, 3,333,333 ns). The drain is one
 * consumer whose session commits each acknowledgement, synced, like the KahaDB variants' transacted consumer.
 */
final class ArtemisJournalVariant {
    private static final String QUEUE = "bench";

    private ArtemisJournalVariant() {
    }

    static SpoolEnqueueBench.Figures run(File base, String id, int messages, int threads, byte[] body) throws Exception {
        Configuration config = new ConfigurationImpl()
            .setPersistenceEnabled(true)
            .setSecurityEnabled(false)
            .setJMXManagementEnabled(false)
            .setJournalType(JournalType.NIO)
            .setJournalSyncNonTransactional(true)
            .setJournalSyncTransactional(true)
            .setJournalDatasync(true)
            .setJournalDirectory(new File(base, "journal").getPath())
            .setBindingsDirectory(new File(base, "bindings").getPath())
            .setPagingDirectory(new File(base, "paging").getPath())
            .setLargeMessagesDirectory(new File(base, "large-messages").getPath());
        Long bufferTimeout = Long.getLong("bench.artemis.bufferTimeoutNanos");
        if (bufferTimeout != null) {
            config.setJournalBufferTimeout_NIO(bufferTimeout.intValue());
        }
        config.addAcceptorConfiguration("in-vm", "vm://0");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.start();
        List<ServerLocator> locators = new ArrayList<>();
        try {
            ServerLocator adminLocator = locator(locators);
            try (ClientSessionFactory factory = adminLocator.createSessionFactory(); ClientSession admin = factory.createSession()) {
                admin.createQueue(new QueueConfiguration(QUEUE).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            }

            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ServerLocator locator = locator(locators);
                futures.add(pool.submit(() -> {
                    try (ClientSessionFactory factory = locator.createSessionFactory();
                         ClientSession session = factory.createSession(true, true);
                         ClientProducer producer = session.createProducer(QUEUE)) {
                        int i;
                        while ((i = next.getAndIncrement()) < messages) {
                            ClientMessage message = session.createMessage(true);
                            SpoolEnqueueBench.engineProperties(i).forEach(message::putStringProperty);
                            message.getBodyBuffer().writeBytes(body);
                            producer.send(message);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double enqueueRate = messages / ((System.nanoTime() - start) / 1e9);
            pool.shutdown();

            int seen = 0;
            long drainStart = System.nanoTime();
            try (ClientSessionFactory factory = locator(locators).createSessionFactory();
                 ClientSession session = factory.createSession(true, false);
                 ClientConsumer consumer = session.createConsumer(QUEUE)) {
                session.start();
                ClientMessage message;
                while (seen < messages && (message = consumer.receive(5000)) != null) {
                    message.acknowledge();
                    session.commit();
                    seen++;
                }
            }
            double dequeueRate = seen / ((System.nanoTime() - drainStart) / 1e9);
            return new SpoolEnqueueBench.Figures(id, "engine alone: Artemis " + org.apache.activemq.artemis.utils.VersionLoader.getVersion()
                .getFullVersion() + " journal (NIO, datasync), one session factory + producer per thread, buffer timeout "
                + config.getJournalBufferTimeout_NIO() + " ns", enqueueRate, dequeueRate);
        } finally {
            locators.forEach(ServerLocator::close);
            broker.stop();
        }
    }

    private static ServerLocator locator(List<ServerLocator> all) throws Exception {
        ServerLocator locator = ActiveMQClient.createServerLocator("vm://0");
        locator.setBlockOnDurableSend(true);
        locator.setBlockOnAcknowledge(true);
        all.add(locator);
        return locator;
    }
}
