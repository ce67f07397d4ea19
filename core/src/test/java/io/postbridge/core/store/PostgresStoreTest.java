package io.postbridge.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The store contract on PostgreSQL (several nodes), in a private schema. Runs when a server is reachable (see
 * {@link PostgresTestDatabase}); skipped with a clear message otherwise, unless CI requires it. As an operator
 * would, the test provides the master key file and the pepper (environment): with PostgreSQL nothing is generated.
 */
class PostgresStoreTest extends StoreContract {
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
            java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        return PostbridgeBackend.start(PostbridgeSettings.from(values, workingDirectory), environment, clock, PostbridgeBackend.noMicrosoft());
    }

    @Override
    protected PostbridgeBackend reopen(PostbridgeBackend backend) {
        backend.close();
        return openBackend();
    }

    @Override
    protected byte[] storedBytes(PostbridgeBackend backend) {
        Jdbc jdbc = new Jdbc(backend.database().dataSource());
        StringBuilder all = new StringBuilder();
        for (String table : List.of("pb_account", "pb_api_key", "pb_allowed_sender", "pb_trusted_network",
            "pb_provider_settings", "pb_secret", "pb_rate_counter")) {
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
