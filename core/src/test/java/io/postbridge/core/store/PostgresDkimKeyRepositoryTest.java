package io.postbridge.core.store;

/** Managed DKIM keys in PostgreSQL (several nodes), in a private schema; skipped without a server unless required. */
class PostgresDkimKeyRepositoryTest extends DkimKeyRepositoryContract {
    PostgresDkimKeyRepositoryTest() {
        super(Store.POSTGRES);
    }
}
