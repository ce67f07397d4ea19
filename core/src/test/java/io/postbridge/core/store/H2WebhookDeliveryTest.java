package io.postbridge.core.store;

/** Webhooks from the embedded default store (H2 file database). */
class H2WebhookDeliveryTest extends WebhookDeliveryContract {
    H2WebhookDeliveryTest() {
        super(Store.H2);
    }
}
