package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.testing.PostgresTestDatabase;

/**
 * Managed DKIM keys in PostgreSQL (several nodes), in a private schema. Skipped when no server is reachable, unless
 * {@code -Dpostbridge.test.requirePostgres=true}. As an operator would, the test provides the master key file and
 * the pepper: with PostgreSQL nothing is generated.
 */
class PostgresDkimKeyRepositoryTest extends DkimKeyRepositoryContract {
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

    /** Both tables as PostgreSQL prints their rows (what a dump would hold). */
    @Override
    protected byte[] storedBytes() {
        return TestStores.postgresRows(backend, "pb_dkim_key", "pb_secret");
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
