package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
        assertThat(second.flushEvents(Duration.ofSeconds(10))).isTrue();
        assertDeliveredOnce(receiver, first, endpoint, 30);
    }

    @Test
    void anEndpointChangedOnOneNodeIsUsedByTheOtherNodesEventWriterAtItsNextBatch() throws Exception {
        PostbridgeBackend first = open(FAST);
        PostbridgeBackend second = open(FAST);
        FakeWebhookReceiver receiver = receiver();
        second.events().record(delivered("before", "erp")); // the second node reads the (empty) subscriptions
        assertThat(second.flushEvents(Duration.ofSeconds(10))).isTrue();

        Webhooks.Created endpoint = subscribe(first, receiver, Set.of());
        second.events().record(delivered("after-create", "erp"));
        assertThat(second.flushEvents(Duration.ofSeconds(10))).isTrue();
        assertThat(first.webhooks().store().deliveries(endpoint.endpoint().id(), 10)).hasSize(1);

        assertThat(first.webhooks().update(endpoint.endpoint().id(), receiver.url(), Set.of(), false)).isTrue();
        second.events().record(delivered("after-disable", "erp"));
        assertThat(second.flushEvents(Duration.ofSeconds(10))).isTrue();
        assertThat(first.webhooks().store().deliveries(endpoint.endpoint().id(), 10)).as("nothing for a disabled endpoint").hasSize(1);
    }
}
