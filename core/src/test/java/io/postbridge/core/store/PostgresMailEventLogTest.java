package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;

/** Mail events on PostgreSQL (several nodes), in a private schema; skipped without a server unless required. */
class PostgresMailEventLogTest extends MailEventLogContract {
    @TempDir
    Path workingDirectory;
    private final TestStores.PostgresSchema schema = new TestStores.PostgresSchema();

    @Override
    protected PostbridgeBackend openBackend(Map<String, String> settings) {
        return schema.open(workingDirectory, clock, settings);
    }

    @Override
    protected void afterClose() {
        schema.drop();
    }
}
