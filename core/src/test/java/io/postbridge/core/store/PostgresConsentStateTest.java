package io.postbridge.core.store;

/** The consent sign-in attempts on PostgreSQL (several nodes), in a private schema; skipped without a server unless required. */
class PostgresConsentStateTest extends ConsentStateContract {
    PostgresConsentStateTest() {
        super(Store.POSTGRES);
    }
}
