package io.postbridge.core.store;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** Stored run-time aliases on the embedded default: an H2 file database. */
class H2AliasRepositoryTest extends AliasRepositoryContract {
    @TempDir
    Path directory;

    @Override
    protected StoreSettings freshStore() {
        return StoreSettings.embeddedH2(directory);
    }
}
