package io.postbridge.core.store;

/** The event log's background writer on the embedded default (H2 file database). */
class H2EventWriterTest extends EventWriterContract {
    H2EventWriterTest() {
        super(Store.H2);
    }
}
