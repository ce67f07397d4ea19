package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

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
    private final TestStores.PostgresSchema schema = new TestStores.PostgresSchema();

    @Override
    protected PostbridgeBackend openBackend(Map<String, String> settings) {
        return schema.open(workingDirectory, clock, settings);
    }

    @Override
    protected byte[] storedBytes() {
        return TestStores.postgresRows(backend, "pb_account", "pb_api_key", "pb_allowed_sender", "pb_trusted_network",
            "pb_provider_settings", "pb_secret", "pb_rate_counter");
    }

    @Override
    protected void afterClose() {
        schema.drop();
    }
}
