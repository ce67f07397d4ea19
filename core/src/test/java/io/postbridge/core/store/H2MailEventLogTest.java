package io.postbridge.core.store;

/** Mail events on the embedded default (H2 file database). */
class H2MailEventLogTest extends MailEventLogContract {
    H2MailEventLogTest() {
        super(Store.H2);
    }
}
