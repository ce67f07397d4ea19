package io.postbridge.core.store;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The pooled connection to the Postbridge store, with the schema migrated to the newest version.
 * Drivers are instantiated directly (no {@code DriverManager}, no class names): the bundle relocates them, and
 * James loads extensions through its own class loader.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(Database.class);
    static final String MIGRATIONS = "classpath:io/postbridge/core/store/migration";
    static final String HISTORY_TABLE = "pb_schema_history";

    private final StoreSettings settings;
    private final HikariDataSource pool;

    private Database(StoreSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /** Opens the pool and migrates the schema. Fails with a {@link StoreException} naming the URL. */
    public static Database open(StoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("postbridge-store");
        config.setDataSource(driverDataSource(settings));
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        settings.schema().ifPresent(config::setSchema);
        // fail at start-up, with the reason, rather than at the first SMTP AUTH
        config.setInitializationFailTimeout(10_000);
        if (settings.dialect() == StoreSettings.Dialect.H2) {
            // after a failed write (full disk) H2 closes the database: evict its dead sessions, re-open on the next
            config.setExceptionOverride(new ClosedDatabaseEviction());
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the Postbridge store " + settings + ": " + rootMessage(e), e);
        }
        try {
            migrate(settings, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot migrate the Postbridge store " + settings + ": " + rootMessage(e), e);
        }
        return new Database(settings, pool);
    }

    private static DataSource driverDataSource(StoreSettings settings) {
        switch (settings.dialect()) {
            case H2: {
                JdbcDataSource h2 = new JdbcDataSource();
                // H2 closes its databases in a JVM shutdown hook of its own, at any moment of James's stop, while
                // mail is still being processed; the store is closed by its owner instead, after what uses it
                h2.setURL(settings.jdbcUrl().contains("DB_CLOSE_ON_EXIT") ? settings.jdbcUrl()
                    : settings.jdbcUrl() + ";DB_CLOSE_ON_EXIT=FALSE");
                settings.user().ifPresent(h2::setUser);
                settings.password().ifPresent(h2::setPassword);
                return h2;
            }
            case POSTGRESQL: {
                PGSimpleDataSource postgres = new PGSimpleDataSource();
                postgres.setURL(settings.jdbcUrl());
                if (!settings.jdbcUrl().toLowerCase(java.util.Locale.ROOT).contains("rewritebatchedinserts")) {
                    // the event log's batches: one multi-row INSERT per batch instead of one statement per row
                    postgres.setReWriteBatchedInserts(true);
                }
                settings.user().ifPresent(postgres::setUser);
                settings.password().ifPresent(postgres::setPassword);
                settings.schema().ifPresent(schema -> postgres.setCurrentSchema(schema));
                return postgres;
            }
            default:
                throw new IllegalStateException("unknown dialect " + settings.dialect());
        }
    }

    private static void migrate(StoreSettings settings, DataSource dataSource) {
        // the class loader that holds this class also holds the migration scripts (James's extension loader)
        org.flywaydb.core.api.configuration.FluentConfiguration flyway = Flyway.configure(Database.class.getClassLoader())
            .dataSource(dataSource)
            .locations(MIGRATIONS)
            .table(HISTORY_TABLE)
            .failOnMissingLocations(true);
        settings.schema().ifPresent(schema -> flyway.schemas(schema).defaultSchema(schema));
        int applied = flyway.load().migrate().migrationsExecuted;
        if (applied > 0) {
            LOGGER.info("Postbridge store {}: applied {} schema migration(s)", settings, applied);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    public DataSource dataSource() {
        return pool;
    }

    public StoreSettings settings() {
        return settings;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        pool.close();
    }
}
