package io.postbridge.core.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import io.postbridge.core.store.StoreSettings;

/**
 * A private schema on the PostgreSQL server named by {@code postbridge.test.postgres.url} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}). When the server is not reachable the
 * tests are skipped, unless {@code -Dpostbridge.test.requirePostgres=true} (CI) makes that a failure.
 */
public final class PostgresTestDatabase implements AutoCloseable {
    public static final String URL = System.getProperty("postbridge.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getProperty("postbridge.test.postgres.user", "postgres");
    public static final String PASSWORD = System.getProperty("postbridge.test.postgres.password", "");
    private static final boolean REQUIRED = Boolean.getBoolean("postbridge.test.requirePostgres");

    private final String schema;

    private PostgresTestDatabase(String schema) {
        this.schema = schema;
    }

    /** Creates a fresh schema, or skips the calling test when PostgreSQL is not reachable. */
    public static PostgresTestDatabase createOrSkip() {
        String schema = "pb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String message = "PostgreSQL not reachable at " + URL + " as " + USER + " (" + e.getMessage()
                + "): PostgreSQL store tests skipped. Set -Dpostbridge.test.requirePostgres=true to make this a failure.";
            if (REQUIRED) {
                Assertions.fail(message);
            }
            Assumptions.assumeTrue(false, message);
        }
        return new PostgresTestDatabase(schema);
    }

    private static Connection connect() throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", "3");
        return new org.postgresql.Driver().connect(URL, properties);
    }

    public StoreSettings settings() {
        return new StoreSettings(URL, Optional.of(USER), Optional.of(PASSWORD), Optional.of(schema), 4);
    }

    public String schema() {
        return schema;
    }

    @Override
    public void close() {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            // best effort: a leftover schema named pb_test_* is harmless
        }
    }

}
