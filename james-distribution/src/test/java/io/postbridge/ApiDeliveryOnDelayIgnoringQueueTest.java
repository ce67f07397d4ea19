package io.postbridge;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.ProviderAccount;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.FakeProvidersCheck;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.DelayIgnoringMailQueues;
import io.postbridge.it.Events;
import io.postbridge.it.ExtensionProbe;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;

/**
 * On a queue that ignores enqueue delays (James 3.8.1's RabbitMQ queue, in a cluster), a deferred message comes back
 * to the API delivery workers at once. They must still wait for the retry time (here the provider's Retry-After)
 * instead of calling the provider again immediately: no retry storm.
 */
@ExtendWith(FakeProvidersCheck.class)
class ApiDeliveryOnDelayIgnoringQueueTest {
    private static final String CLIENT = "client-q.apps.googleusercontent.com";
    private static final int RETRY_AFTER_SECONDS = 4;

    private static final FakeProviders fake = FakeProviders.start().googleClient(CLIENT, "secret-q")
        .googleUser("rt-q", "app@example.com");

    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extensionOverriding(
        conf -> ApiDeliverySupport.pointAtFakes(conf, fake, "1 hour"),
        DelayIgnoringMailQueues.forQueue("postbridge-api"),
        ExtensionProbe.MODULE);

    @AfterAll
    static void closeFake() {
        fake.close();
    }

    @Test
    void aDeferredMessageWaitsForItsRetryTimeEvenWhenTheQueueHandsItBackAtOnce() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        WebAdmin webAdmin = new WebAdmin(server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue());
        webAdmin.addUser("app@example.com", "app-pw");
        server.getProbe(ExtensionProbe.class).instance(InMemoryProviderAccounts.class)
            .put(ProviderAccount.gmail("app@example.com", CLIENT, "secret-q", "rt-q"));
        fake.gmailSend.throttle(1, RETRY_AFTER_SECONDS);

        byte[] message = TestMessages.simple("app@example.com", "bob@remote.test", "queue", "no-storm@test")
            .getBytes(StandardCharsets.UTF_8);
        assertThat(ApiDeliverySupport.submit(PostbridgeJames.smtpPorts(server).get(SUBMISSION), "app@example.com", "app-pw",
            List.of("bob@remote.test"), message)).startsWith("250");

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Events.typesFor(webAdmin, "no-storm@test").contains("delivered"));
        assertThat(Events.typesFor(webAdmin, "no-storm@test")).containsExactly("received", "queued", "deferred", "delivered");
        // one throttled call, one successful call: the message handed back at once was held, not sent again and again
        assertThat(fake.sendRequests()).isEqualTo(2);
        assertThat(fake.delivered()).hasSize(1);
        // and the second call honoured Retry-After (the worker allows itself one second of slack)
        List<JsonNode> events = Events.eventsFor(webAdmin, "no-storm@test");
        Instant deferred = Instant.parse(events.get(2).path("at").asText());
        Instant delivered = Instant.parse(events.get(3).path("at").asText());
        assertThat(Duration.between(deferred, delivered)).isGreaterThanOrEqualTo(Duration.ofSeconds(RETRY_AFTER_SECONDS - 1));
    }
}
