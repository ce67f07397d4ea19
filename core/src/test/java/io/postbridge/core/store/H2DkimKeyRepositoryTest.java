package io.postbridge.core.store;

/** Managed DKIM keys in the embedded default store: the H2 file database under var/postbridge/. */
class H2DkimKeyRepositoryTest extends DkimKeyRepositoryContract {
    H2DkimKeyRepositoryTest() {
        super(Store.H2);
    }
}
