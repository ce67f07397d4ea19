package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.testing.PostgresTestDatabase;

/** Mail events on PostgreSQL (several nodes), in a private schema; skipped without a server unless required. */
class PostgresMailEventLogTest extends MailEventLogContract {
    @TempDir
    Path workingDirectory;
    private PostgresTestDatabase database;

    @Override
    protected PostbridgeBackend openBackend(Map<String, String> settings) {
        if (database == null) {
            database = PostgresTestDatabase.createOrSkip();
        }
        return TestStores.postgres(workingDirectory, database, clock, settings);
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
