package io.postbridge.core.store;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.fakes.FakeWebhookReceiver;
import io.postbridge.core.webhooks.Webhooks;

/**
 * Webhooks from a shared PostgreSQL store, in a private schema; plus two nodes (two backends, each with its own
 * pool and dispatcher) on the one schema: each webhook is sent once.
 */
class PostgresWebhookDeliveryTest extends WebhookDeliveryContract {
    PostgresWebhookDeliveryTest() {
        super(Store.POSTGRES);
    }

    @Test
    void twoNodesOnOnePostgresqlSendEachWebhookOnce() throws Exception {
        PostbridgeBackend first = open(FAST);
        PostbridgeBackend second = open(FAST);
        FakeWebhookReceiver receiver = receiver();
        Webhooks.Created endpoint = subscribe(first, receiver, Set.of());
        for (int i = 0; i < 30; i++) {
            (i % 2 == 0 ? first : second).events().record(delivered("m" + i, "erp"));
        }
        first.webhookDispatcher().start();
        second.webhookDispatcher().start();
        assertDeliveredOnce(receiver, first, endpoint, 30);
    }
}
