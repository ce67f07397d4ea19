package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;

/** The store contract on the embedded default: an H2 file database under var/postbridge/. */
class H2StoreTest extends StoreContract {
    @TempDir
    Path workingDirectory;

    @Override
    protected PostbridgeBackend openBackend(Map<String, String> settings) {
        return TestStores.h2(workingDirectory, clock, settings);
    }

    @Override
    protected byte[] storedBytes() {
        return h2Files(workingDirectory);
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
