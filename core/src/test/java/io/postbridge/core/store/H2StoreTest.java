package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The store contract on the embedded default: an H2 file database under var/postbridge/. */
class H2StoreTest extends StoreContract {
    H2StoreTest() {
        super(Store.H2);
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
