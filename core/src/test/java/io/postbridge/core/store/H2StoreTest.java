package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;

/** The store contract on the embedded default: an H2 file database under var/postbridge/. */
class H2StoreTest extends StoreContract {
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

    @Override
    protected byte[] storedBytes(PostbridgeBackend backend) {
        backend.close(); // H2 writes everything to the file on close
        try (Stream<Path> files = Files.walk(workingDirectory.resolve("var/postbridge"))) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.write(Files.readAllBytes(file));
            }
            return all.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            this.backend = openBackend();
        }
    }

    @Test
    void theEmbeddedDefaultLivesUnderVarAndGeneratesItsKeyFilesOwnerReadableOnly() throws IOException {
        assertThat(workingDirectory.resolve("var/postbridge/postbridge.mv.db")).exists();
        Path masterKey = workingDirectory.resolve("conf/postbridge-master.key");
        Path pepper = workingDirectory.resolve("conf/postbridge-api-key.pepper");
        assertThat(masterKey).exists();
        assertThat(pepper).exists();
        assertThat(Files.getPosixFilePermissions(masterKey)).extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(Files.getPosixFilePermissions(pepper)).extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }
}
