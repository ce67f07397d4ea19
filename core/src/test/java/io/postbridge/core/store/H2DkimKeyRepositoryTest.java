package io.postbridge.core.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;

/** Managed DKIM keys in the embedded default store: the H2 file database under var/postbridge/. */
class H2DkimKeyRepositoryTest extends DkimKeyRepositoryContract {
    @TempDir
    Path workingDirectory;

    @Override
    protected PostbridgeBackend openBackend() {
        return PostbridgeBackend.start(PostbridgeSettings.defaults(workingDirectory), Map.of(), clock, PostbridgeBackend.noMicrosoft());
    }

    @Override
    protected PostbridgeBackend reopen(PostbridgeBackend backend) {
        backend.close();
        return openBackend();
    }

    /** Every byte of every file of the database folder, after H2 wrote everything out (on close). */
    @Override
    protected byte[] storedBytes() {
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
            backend = openBackend();
        }
    }
}
