package io.postbridge.core.store;

/** The store contract on PostgreSQL (several nodes), in a private schema, with the master key file and pepper an operator provides there; skipped without a server unless required. */
class PostgresStoreTest extends StoreContract {
    PostgresStoreTest() {
        super(Store.POSTGRES);
    }
}
