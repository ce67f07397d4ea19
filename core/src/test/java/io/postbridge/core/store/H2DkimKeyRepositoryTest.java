package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;

/** Managed DKIM keys in the embedded default store: the H2 file database under var/postbridge/. */
class H2DkimKeyRepositoryTest extends DkimKeyRepositoryContract {
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
}
