package io.postbridge.core.store;

/** The consent sign-in attempts on the embedded default (H2 file database). */
class H2ConsentStateTest extends ConsentStateContract {
    H2ConsentStateTest() {
        super(Store.H2);
    }
}
