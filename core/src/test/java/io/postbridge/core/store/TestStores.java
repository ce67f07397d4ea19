package io.postbridge.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.secrets.MasterKey;
import io.postbridge.core.secrets.MasterKeyRing;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.testing.PostgresTestDatabase;

/** Backends on the embedded H2 default or on a PostgreSQL schema, as an operator would configure them, for contract tests. */
final class TestStores {
    private static final String PEPPER_VARIABLE = "PB_TEST_PEPPER";

    private TestStores() {
    }

    static PostbridgeBackend h2(Path workingDirectory, Clock clock, Map<String, String> settings) {
        return PostbridgeBackend.start(PostbridgeSettings.from(settings, workingDirectory), Map.of(), clock, PostbridgeBackend.noMicrosoft());
    }

    /** With PostgreSQL nothing is generated: the master key file and the pepper (environment) are provided. */
    static PostbridgeBackend postgres(Path workingDirectory, PostgresTestDatabase database, Clock clock, Map<String, String> settings) {
        Path masterKey = workingDirectory.resolve("conf/postbridge-master.key");
        try {
            if (!Files.exists(masterKey)) {
                Files.createDirectories(masterKey.getParent());
                Files.writeString(masterKey, new MasterKeyRing(List.of(MasterKey.generate())).serialize());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>(settings);
        values.put(PostbridgeSettings.STORE_URL, PostgresTestDatabase.URL);
        values.put(PostbridgeSettings.STORE_USER, PostgresTestDatabase.USER);
        values.put(PostbridgeSettings.STORE_PASSWORD, PostgresTestDatabase.PASSWORD);
        values.put(PostbridgeSettings.STORE_SCHEMA, database.schema());
        values.put(PostbridgeSettings.PEPPER_ENV, PEPPER_VARIABLE);
        Map<String, String> environment = Map.of(PEPPER_VARIABLE,
            Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        return PostbridgeBackend.start(PostbridgeSettings.from(values, workingDirectory), environment, clock, PostbridgeBackend.noMicrosoft());
    }

    /** The rows of {@code tables} as PostgreSQL prints them (what a dump would hold), for byte searches. */
    static byte[] postgresRows(PostbridgeBackend backend, String... tables) {
        Jdbc jdbc = new Jdbc(backend.database().dataSource());
        StringBuilder all = new StringBuilder();
        for (String table : tables) {
            jdbc.query("SELECT t::text AS row_text FROM " + table + " t", row -> row.getString("row_text")).forEach(all::append);
        }
        return all.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One private PostgreSQL schema for a test class's backends, created on first use, dropped by {@link #drop()}. */
    static final class PostgresSchema {
        private PostgresTestDatabase database;

        PostbridgeBackend open(Path workingDirectory, Clock clock, Map<String, String> settings) {
            if (database == null) {
                database = PostgresTestDatabase.createOrSkip();
            }
            return postgres(workingDirectory, database, clock, settings);
        }

        void drop() {
            if (database != null) {
                database.close();
                database = null;
            }
        }
    }
}
