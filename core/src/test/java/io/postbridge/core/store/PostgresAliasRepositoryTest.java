package io.postbridge.core.store;

import io.postbridge.core.testing.PostgresTestDatabase;

/**
 * Stored run-time aliases on PostgreSQL (several nodes), in a private schema. Skipped when no server is reachable,
 * unless {@code -Dpostbridge.test.requirePostgres=true}.
 */
class PostgresAliasRepositoryTest extends AliasRepositoryContract {
    private PostgresTestDatabase database;

    @Override
    protected StoreSettings freshStore() {
        database = PostgresTestDatabase.createOrSkip();
        return database.settings();
    }

    @Override
    protected void dropStore() {
        if (database != null) {
            database.close();
        }
    }
}
