package io.postbridge.core.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.testing.MutableClock;

/**
 * What every store contract needs: a backend opened before each test on the embedded H2 default or on a private
 * PostgreSQL schema (as an operator would configure them, see {@link TestStores}), closed after it, restarts on the
 * same database, and the stored bytes for searches of what must <b>not</b> be stored.
 */
public abstract class BackendContract {
    /** Which database the subclass runs the contract on. */
    protected enum Store { H2, POSTGRES }

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:15:30Z"));
    protected PostbridgeBackend backend;
    @TempDir
    protected Path workingDirectory;

    private final Store store;
    private final TestStores.PostgresSchema schema = new TestStores.PostgresSchema();

    protected BackendContract(Store store) {
        this.store = store;
    }

    /** The database this contract runs on. */
    protected Store store() {
        return store;
    }

    /** A backend on the test's database (fresh on the first call, the same one afterwards). */
    protected PostbridgeBackend openBackend(Map<String, String> settings) {
        return store == Store.H2 ? TestStores.h2(workingDirectory, clock, settings) : schema.open(workingDirectory, clock, settings);
    }

    @BeforeEach
    void openBeforeTest() {
        backend = openBackend(Map.of());
    }

    @AfterEach
    void closeAfterTest() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
        schema.drop();
    }

    /** A restart on the same database. */
    protected void restart() {
        restart(Map.of());
    }

    protected void restart(Map<String, String> settings) {
        backend.close();
        backend = openBackend(settings);
    }

    /**
     * Everything the database holds, as bytes; {@link #backend} stays usable. H2: every byte of its files under
     * {@code var/postbridge} (written out on close, then reopened). PostgreSQL: the rows of {@code tables} as it
     * prints them (what a dump would hold).
     */
    protected byte[] storedBytes(String... tables) {
        if (store == Store.POSTGRES) {
            backend.flushEvents(java.time.Duration.ofSeconds(10)); // the events recorded so far are rows too
            return TestStores.postgresRows(backend, tables);
        }
        backend.close();
        try (Stream<Path> files = Files.walk(workingDirectory.resolve("var/postbridge"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.write(Files.readAllBytes(file));
            }
            return all.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            backend = openBackend(Map.of());
        }
    }
}
