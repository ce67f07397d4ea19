package io.postbridge.core.store;

/** The suppression list on the embedded default (H2 file database). */
class H2SuppressionListTest extends SuppressionListContract {
    H2SuppressionListTest() {
        super(Store.H2);
    }
}
