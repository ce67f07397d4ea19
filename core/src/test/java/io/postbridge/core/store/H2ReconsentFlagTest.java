package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;

/** The re-consent flag on the embedded default (H2 file database). */
class H2ReconsentFlagTest extends ReconsentFlagContract {
    @TempDir
    Path workingDirectory;

    @Override
    protected PostbridgeBackend openBackend(Map<String, String> settings) {
        return TestStores.h2(workingDirectory, clock, settings);
    }
}
