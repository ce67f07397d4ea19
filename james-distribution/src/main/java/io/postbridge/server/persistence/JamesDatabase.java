package io.postbridge.server.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of James's own state: one OpenJPA {@link EntityManagerFactory} (persistence unit "Global", see
 * {@code META-INF/persistence.xml}) shared by the users repository, domain list, RRT, mail repository URL store and
 * the JPA mailbox. Closed by {@link io.postbridge.server.OrderedShutdown} after everything that uses it has stopped.
 */
public final class JamesDatabase implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(JamesDatabase.class);
    static final String PERSISTENCE_UNIT = "Global";
    private static final String DERBY_LOG = "derby.stream.error.file";

    private final JamesDatabaseSettings settings;
    private final EntityManagerFactory entityManagerFactory;
    private boolean closed;

    private JamesDatabase(JamesDatabaseSettings settings, EntityManagerFactory entityManagerFactory) {
        this.settings = settings;
        this.entityManagerFactory = entityManagerFactory;
    }

    public static JamesDatabase open(JamesDatabaseSettings settings, Path workingDirectory) {
        if (settings.isEmbeddedDerby()) {
            logDerbyUnder(workingDirectory);
        }
        LOGGER.info("James data (domains, users, RRT, mailboxes): {}", settings.location());
        EntityManagerFactory factory = Persistence.createEntityManagerFactory(PERSISTENCE_UNIT, settings.openJpaProperties());
        return new JamesDatabase(settings, factory);
    }

    /** Derby writes derby.log into the process's current directory unless told otherwise (it reads this once per JVM). */
    private static void logDerbyUnder(Path workingDirectory) {
        if (System.getProperty(DERBY_LOG) != null) {
            return;
        }
        Path log = workingDirectory.resolve("var/log/derby.log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            LOGGER.warn("Cannot create {}: {}", log.getParent(), e.getMessage());
        }
        System.setProperty(DERBY_LOG, log.toString());
    }

    public EntityManagerFactory entityManagerFactory() {
        return entityManagerFactory;
    }

    /** Closes the connection pool, then shuts the embedded database down so it is clean (no recovery at next start). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            entityManagerFactory.close();
        } catch (RuntimeException e) {
            LOGGER.warn("Closing James's database: {}", e.toString());
        }
        settings.derbyShutdownUrl().ifPresent(JamesDatabase::shutDownDerby);
        LOGGER.info("James data closed: {}", settings.location());
    }

    private static void shutDownDerby(String url) {
        try {
            DriverManager.getConnection(url).close();
        } catch (SQLException e) {
            // a database-level shutdown always ends with SQLState 08006 (not the engine: that would deregister the
            // driver); XJ004: OpenJPA's DerbyDictionary already shut it down when the factory closed
            if (!"08006".equals(e.getSQLState()) && !"XJ004".equals(e.getSQLState())) {
                LOGGER.warn("Shutting down Derby ({}): {}", url, e.getMessage());
            }
        }
    }
}
