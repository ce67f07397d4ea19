package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;

/** Mail events on the embedded default (H2 file database). */
class H2MailEventLogTest extends MailEventLogContract {
    @TempDir
    Path workingDirectory;

    @Override
    protected PostbridgeBackend openBackend(Map<String, String> settings) {
        return TestStores.h2(workingDirectory, clock, settings);
    }
}
