package io.postbridge.core.store;

/** The suppression list on PostgreSQL (several nodes), in a private schema; skipped without a server unless required. */
class PostgresSuppressionListTest extends SuppressionListContract {
    PostgresSuppressionListTest() {
        super(Store.POSTGRES);
    }
}
