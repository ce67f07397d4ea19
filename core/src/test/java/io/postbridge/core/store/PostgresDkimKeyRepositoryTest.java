package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;

/**
 * Managed DKIM keys in PostgreSQL (several nodes), in a private schema. Skipped when no server is reachable, unless
 * {@code -Dpostbridge.test.requirePostgres=true}. As an operator would, the test provides the master key file and
 * the pepper: with PostgreSQL nothing is generated.
 */
class PostgresDkimKeyRepositoryTest extends DkimKeyRepositoryContract {
    @TempDir
    Path workingDirectory;
    private final TestStores.PostgresSchema schema = new TestStores.PostgresSchema();

    @Override
    protected PostbridgeBackend openBackend(Map<String, String> settings) {
        return schema.open(workingDirectory, clock, settings);
    }

    /** Both tables as PostgreSQL prints their rows (what a dump would hold). */
    @Override
    protected byte[] storedBytes() {
        return TestStores.postgresRows(backend, "pb_dkim_key", "pb_secret");
    }

    @Override
    protected void afterClose() {
        schema.drop();
    }
}
