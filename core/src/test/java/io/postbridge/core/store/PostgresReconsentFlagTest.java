package io.postbridge.core.store;

/** The re-consent flag on PostgreSQL (several nodes), in a private schema; skipped without a server unless required. */
class PostgresReconsentFlagTest extends ReconsentFlagContract {
    PostgresReconsentFlagTest() {
        super(Store.POSTGRES);
    }
}
