package io.postbridge.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.secrets.MasterKey;
import io.postbridge.core.secrets.MasterKeyRing;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.testing.PostgresTestDatabase;

/**
 * Managed DKIM keys in PostgreSQL (several nodes), in a private schema. Skipped when no server is reachable, unless
 * {@code -Dpostbridge.test.requirePostgres=true}. As an operator would, the test provides the master key file and
 * the pepper: with PostgreSQL nothing is generated.
 */
class PostgresDkimKeyRepositoryTest extends DkimKeyRepositoryContract {
    private static final String PEPPER_VARIABLE = "PB_TEST_PEPPER";

    @TempDir
    Path workingDirectory;
    private PostgresTestDatabase database;

    @Override
    protected PostbridgeBackend openBackend() {
        if (database == null) {
            database = PostgresTestDatabase.createOrSkip();
            try {
                Files.createDirectories(workingDirectory.resolve("conf"));
                Files.writeString(workingDirectory.resolve("conf/postbridge-master.key"),
                    new MasterKeyRing(List.of(MasterKey.generate())).serialize());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, String> values = new HashMap<>();
        values.put(PostbridgeSettings.STORE_URL, PostgresTestDatabase.URL);
        values.put(PostbridgeSettings.STORE_USER, PostgresTestDatabase.USER);
        values.put(PostbridgeSettings.STORE_PASSWORD, PostgresTestDatabase.PASSWORD);
        values.put(PostbridgeSettings.STORE_SCHEMA, database.schema());
        values.put(PostbridgeSettings.PEPPER_ENV, PEPPER_VARIABLE);
        Map<String, String> environment = Map.of(PEPPER_VARIABLE,
            Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        return PostbridgeBackend.start(PostbridgeSettings.from(values, workingDirectory), environment, clock, PostbridgeBackend.noMicrosoft());
    }

    @Override
    protected PostbridgeBackend reopen(PostbridgeBackend backend) {
        backend.close();
        return openBackend();
    }

    /** Both tables as PostgreSQL prints their rows (what a dump would hold). */
    @Override
    protected byte[] storedBytes() {
        Jdbc jdbc = new Jdbc(backend.database().dataSource());
        StringBuilder all = new StringBuilder();
        for (String table : List.of("pb_dkim_key", "pb_secret")) {
            jdbc.query("SELECT t::text AS row_text FROM " + table + " t", row -> row.getString("row_text")).forEach(all::append);
        }
        return all.toString().getBytes(StandardCharsets.UTF_8);
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
