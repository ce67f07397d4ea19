package io.postbridge.core.store;

/** The event log's background writer on PostgreSQL (batched inserts rewritten to multi-row INSERTs); skipped without a server. */
class PostgresEventWriterTest extends EventWriterContract {
    PostgresEventWriterTest() {
        super(Store.POSTGRES);
    }
}
