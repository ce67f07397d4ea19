package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.testing.PostgresTestDatabase;

/**
 * The store contract on PostgreSQL (several nodes), in a private schema. Runs when a server is reachable (see
 * {@link PostgresTestDatabase}); skipped with a clear message otherwise, unless CI requires it. As an operator
 * would, the test provides the master key file and the pepper (environment): with PostgreSQL nothing is generated.
 */
class PostgresStoreTest extends StoreContract {
    @TempDir
    Path workingDirectory;
    private PostgresTestDatabase database;

    @Override
    protected PostbridgeBackend openBackend() {
        if (database == null) {
            database = PostgresTestDatabase.createOrSkip();
        }
        return TestStores.postgres(workingDirectory, database, clock, Map.of());
    }

    @Override
    protected PostbridgeBackend reopen(PostbridgeBackend backend) {
        backend.close();
        return openBackend();
    }

    @Override
    protected byte[] storedBytes(PostbridgeBackend backend) {
        return TestStores.postgresRows(backend, "pb_account", "pb_api_key", "pb_allowed_sender", "pb_trusted_network",
            "pb_provider_settings", "pb_secret", "pb_rate_counter");
    }

    @AfterEach
    void dropSchema() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
        if (database != null) {
            database.close();
        }
    }
}
