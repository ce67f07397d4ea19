package io.postbridge.core.store;

/** One-time codes on PostgreSQL (several nodes share a schema); skipped without a server unless required. */
class PostgresOtpTest extends OtpContract {
    PostgresOtpTest() {
        super(Store.POSTGRES);
    }
}
