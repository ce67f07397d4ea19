package io.postbridge.server.spool;

import java.io.File;
import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.jmx.ManagementContext;
import org.apache.activemq.broker.scheduler.JobScheduler;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.activemq.store.kahadb.MessageDatabase;
import org.apache.activemq.store.kahadb.disk.page.PageFile;
import org.apache.activemq.store.kahadb.scheduler.JobSchedulerStoreImpl;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded ActiveMQ broker of the durable spool. The same broker name, directories and KahaDB store as James's
 * {@code EmbeddedActiveMQ} (so the queue files of earlier versions are read as they are), plus:
 * <ul>
 * <li>the broker's scheduler, with its journal synced on every write like the queue's, for delayed mail
 * ({@code var/store/activemq/brokers/scheduler});</li>
 * <li>KahaDB stores each message in the sending thread ({@code concurrentStoreAndDispatchQueues=false}), so that
 * concurrent senders land in the same journal write batch and share one fsync.</li>
 * <li>a start that finds a store's index out of step with its journal rebuilds that index from the journal
 * (see {@link #startRebuildingABrokenIndex}).</li>
 * </ul>
 */
@Singleton
public final class DurableBroker {
    private static final Logger LOGGER = LoggerFactory.getLogger(DurableBroker.class);
    private static final String KAHADB_STORE_LOCATION = "file://var/store/activemq/brokers/KahaDB";
    private static final String SCHEDULER_LOCATION = "file://var/store/activemq/brokers/scheduler";
    private static final String BLOB_TRANSFER_LOCATION = "file://var/store/activemq/blob-transfer";
    private static final String BROKERS_LOCATION = "file://var/store/activemq/brokers";
    /** The page files (index) of the KahaDB message store and of the scheduler store, in their directories. */
    private static final String KAHADB_INDEX = "db";
    private static final String SCHEDULER_INDEX = "scheduleDB";
    /** The name SchedulerBroker gives the scheduler of JMS messages carrying {@code AMQ_SCHEDULED_DELAY}. */
    private static final String JMS_SCHEDULER = "JMS";

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connectionFactory;

    @Inject
    DurableBroker(FileSystem fileSystem) {
        this(fileSystem, Boolean.parseBoolean(System.getProperty("postbridge.spool.concurrentStoreAndDispatch", "false")));
    }

    DurableBroker(FileSystem fileSystem, boolean concurrentStoreAndDispatch) {
        File kahaDBDirectory;
        File schedulerDirectory;
        File brokersDirectory;
        try {
            kahaDBDirectory = fileSystem.getFile(KAHADB_STORE_LOCATION);
            schedulerDirectory = fileSystem.getFile(SCHEDULER_LOCATION);
            brokersDirectory = fileSystem.getFile(BROKERS_LOCATION);
        } catch (IOException e) {
            throw new IllegalStateException("cannot find the spool's directories under var/store/activemq", e);
        }
        broker = startRebuildingABrokenIndex(kahaDBDirectory, schedulerDirectory, brokersDirectory, concurrentStoreAndDispatch);
        connectionFactory = new ActiveMQConnectionFactory("vm://james?create=false");
        connectionFactory.setTrustAllPackages(false);
        FileSystemBlobTransferPolicy blobs = new FileSystemBlobTransferPolicy();
        blobs.setDefaultUploadUrl(BLOB_TRANSFER_LOCATION);
        blobs.setFileSystem(fileSystem);
        connectionFactory.setBlobTransferPolicy(blobs);
        ActiveMQPrefetchPolicy prefetch = new ActiveMQPrefetchPolicy();
        prefetch.setQueuePrefetch(0);
        prefetch.setTopicPrefetch(0);
        connectionFactory.setPrefetchPolicy(prefetch);
        LOGGER.info("Started the spool's embedded ActiveMQ broker (KahaDB, scheduler on)");
    }

    /**
     * Starts the broker; when a store cannot replay its journal from where its index says (seen after a full disk and
     * a {@code kill -9}: the index of the message store, or of the scheduler, named a journal record whose write had
     * failed), moves that index aside (KahaDB's own {@code PageFile.archive()}, as its {@code archiveCorruptedIndex}
     * does for an unreadable index) and starts again, so KahaDB rebuilds it from the whole journal. The journal holds
     * every synced message (KahaDB deletes a journal file only once nothing in it is needed), so no synced mail is
     * dropped; {@code ignoreMissingJournalfiles} would skip index entries instead.
     */
    private static BrokerService startRebuildingABrokenIndex(File kahaDBDirectory, File schedulerDirectory, File brokersDirectory,
                                                             boolean concurrentStoreAndDispatch) {
        Set<File> rebuilt = new HashSet<>();
        while (true) {
            try {
                return start(kahaDBDirectory, schedulerDirectory, brokersDirectory, concurrentStoreAndDispatch);
            } catch (Exception e) {
                Optional<File> broken = storeWhoseJournalReplayFailed(e, kahaDBDirectory, schedulerDirectory);
                if (broken.isEmpty() || !rebuilt.add(broken.get())) {
                    throw new IllegalStateException("cannot start the spool's ActiveMQ broker under var/store/activemq", e);
                }
                String indexName = broken.get().equals(kahaDBDirectory) ? KAHADB_INDEX : SCHEDULER_INDEX;
                LOGGER.warn("The spool's store {} cannot replay its journal from where its index ({}.data) points ({});"
                    + " moving the index aside ({}.data-<time>) and rebuilding it from the journal", broken.get(), indexName, e.toString());
                try {
                    new PageFile(broken.get(), indexName).archive();
                } catch (IOException archiveFailed) {
                    e.addSuppressed(archiveFailed);
                    throw new IllegalStateException("cannot start the spool's ActiveMQ broker under var/store/activemq", e);
                }
            }
        }
    }

    /** The store (message store or scheduler) whose start failed while replaying its journal, if that is what failed. */
    private static Optional<File> storeWhoseJournalReplayFailed(Throwable failure, File kahaDBDirectory, File schedulerDirectory) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (!"recover".equals(frame.getMethodName())) {
                    continue;
                }
                if (MessageDatabase.class.getName().equals(frame.getClassName())) {
                    return Optional.of(kahaDBDirectory);
                }
                if (JobSchedulerStoreImpl.class.getName().equals(frame.getClassName())) {
                    return Optional.of(schedulerDirectory);
                }
            }
        }
        return Optional.empty();
    }

    private static BrokerService start(File kahaDBDirectory, File schedulerDirectory, File brokersDirectory,
                                       boolean concurrentStoreAndDispatch) throws Exception {
        KahaDBPersistenceAdapter kahaDB = new KahaDBPersistenceAdapter();
        kahaDB.setDirectory(kahaDBDirectory);
        kahaDB.setConcurrentStoreAndDispatchQueues(concurrentStoreAndDispatch);

        JobSchedulerStoreImpl scheduler = new JobSchedulerStoreImpl();
        scheduler.setDirectory(schedulerDirectory);
        scheduler.setEnableJournalDiskSyncs(true);

        BrokerService broker = new BrokerService();
        broker.setBrokerName("james");
        broker.setBrokerId("broker");
        broker.setUseJmx(false);
        broker.setPersistent(true);
        broker.setDataDirectoryFile(brokersDirectory);
        broker.setUseShutdownHook(false);
        broker.setSchedulerSupport(true);
        broker.setJobSchedulerStore(scheduler);
        ManagementContext managementContext = new ManagementContext();
        managementContext.setCreateConnector(false);
        broker.setManagementContext(managementContext);
        broker.setPersistenceAdapter(kahaDB);
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()});
        broker.setEnableStatistics(true);
        boundMemory(broker);
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }

    /**
     * ActiveMQ's default memory limit is 1 GB whatever the heap, and a queue's cursor keeps queued messages in memory
     * up to 70 % of it: with a smaller heap, a backlog of ready mail (a provider down, a burst) stayed on the heap
     * until it ran out (issue 14, MailBurstMemoryBench). A share of the heap instead: past it, queued mail is read
     * back from KahaDB when it is delivered, and a full limit makes senders wait (back-pressure), never lose mail.
     * {@code -Dpostbridge.spool.memoryPercentOfHeap} (default 20; 0 keeps ActiveMQ's 1 GB, for measurements only).
     */
    private static void boundMemory(BrokerService broker) {
        int percent = Integer.getInteger("postbridge.spool.memoryPercentOfHeap", 20);
        if (percent > 0) {
            broker.getSystemUsage().getMemoryUsage().setPercentOfJvmHeap(Math.min(percent, 70));
        }
    }

    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** The broker's scheduler of delayed messages (where mail waits until its next delivery). */
    JobScheduler scheduler() throws IOException {
        try {
            return broker.getJobSchedulerStore().getJobScheduler(JMS_SCHEDULER);
        } catch (Exception e) {
            throw new IOException("the spool's scheduler is not available", e);
        }
    }

    File dataDirectory() {
        return broker.getDataDirectoryFile();
    }

    @PreDestroy
    public void stop() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
    }
}
