package io.postbridge.core.store;

/** The re-consent flag on the embedded default (H2 file database). */
class H2ReconsentFlagTest extends ReconsentFlagContract {
    H2ReconsentFlagTest() {
        super(Store.H2);
    }
}
