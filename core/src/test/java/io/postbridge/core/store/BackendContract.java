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

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.testing.MutableClock;

/**
 * What every store contract needs: a backend opened before each test on the subclass's database (H2 or PostgreSQL),
 * closed after it, and restarts on the same database.
 */
public abstract class BackendContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:15:30Z"));
    protected PostbridgeBackend backend;

    /** A backend on the test's database (fresh on the first call, the same one afterwards). */
    protected abstract PostbridgeBackend openBackend(Map<String, String> settings);

    /** After the backend is closed at the end of a test: a PostgreSQL subclass drops its schema here. */
    protected void afterClose() {
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
        afterClose();
    }

    /** A restart on the same database. */
    protected void restart() {
        restart(Map.of());
    }

    protected void restart(Map<String, String> settings) {
        backend.close();
        backend = openBackend(settings);
    }

    /** Every byte of the H2 database files under {@code var/postbridge} (written out on close); the backend reopens. */
    protected byte[] h2Files(Path workingDirectory) {
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
