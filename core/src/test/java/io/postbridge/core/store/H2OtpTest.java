package io.postbridge.core.store;

/** One-time codes on the embedded default (H2 file database). */
class H2OtpTest extends OtpContract {
    H2OtpTest() {
        super(Store.H2);
    }
}
