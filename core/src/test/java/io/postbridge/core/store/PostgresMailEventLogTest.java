package io.postbridge.core.store;

/** Mail events on PostgreSQL (several nodes), in a private schema; skipped without a server unless required. */
class PostgresMailEventLogTest extends MailEventLogContract {
    PostgresMailEventLogTest() {
        super(Store.POSTGRES);
    }
}
