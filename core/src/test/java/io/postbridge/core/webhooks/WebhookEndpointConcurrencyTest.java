package io.postbridge.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * {@code webhooks.endpoint.concurrency}: one endpoint gets that many deliveries at the same time, no more, and a
 * receiver that holds its requests does not keep another endpoint waiting. Real store (H2), real HTTP on loopback:
 * a receiver that counts the requests it holds open.
 */
class WebhookEndpointConcurrencyTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20));
    private static final int CONCURRENCY = 3;

    @TempDir
    Path home;

    private PostbridgeBackend backend;
    private HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger slowOpen = new AtomicInteger();
    private final AtomicInteger slowMaxOpen = new AtomicInteger();
    private final AtomicInteger slowReceived = new AtomicInteger();
    private final AtomicInteger fastReceived = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/slow", this::slow);
        server.createContext("/fast", exchange -> {
            fastReceived.incrementAndGet();
            answer(exchange);
        });
        server.setExecutor(threads);
        server.start();
        backend = PostbridgeBackend.start(PostbridgeSettings.from(Map.of(
                PostbridgeSettings.WEBHOOKS_ALLOWED_TARGETS, "127.0.0.1/32",
                PostbridgeSettings.WEBHOOKS_POLL, "50ms",
                PostbridgeSettings.WEBHOOKS_TIMEOUT, "30s", // the held requests must not time out during the test
                PostbridgeSettings.WEBHOOKS_ENDPOINT_CONCURRENCY, Integer.toString(CONCURRENCY)), home),
            Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
    }

    @AfterEach
    void stop() {
        release.countDown();
        backend.close();
        server.stop(0);
        threads.shutdownNow();
    }

    @Test
    void oneEndpointGetsTheConfiguredNumberOfDeliveriesAtATimeAndTheRestAfterwards() throws Exception {
        String slow = endpoint("/slow");
        for (int i = 0; i < 8; i++) {
            backend.webhooks().sendTest(slow).orElseThrow();
        }
        backend.webhookDispatcher().start();

        AWAIT.until(() -> slowOpen.get() == CONCURRENCY);
        // ten polls: none of them sends a fourth
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> slowReceived.get() == CONCURRENCY);
        assertThat(slowReceived.get()).isEqualTo(CONCURRENCY);
        assertThat(slowMaxOpen.get()).isEqualTo(CONCURRENCY);

        release.countDown();
        AWAIT.until(() -> backend.webhooks().store().deliveries(slow, 20).stream()
            .allMatch(d -> d.status() == WebhookDelivery.Status.DELIVERED));
        assertThat(slowReceived.get()).isEqualTo(8);
        assertThat(slowMaxOpen.get()).as("never more at once").isEqualTo(CONCURRENCY);
    }

    @Test
    void aReceiverThatHoldsItsRequestsDoesNotDelayAnotherEndpoint() throws Exception {
        String slow = endpoint("/slow");
        String fast = endpoint("/fast");
        for (int i = 0; i < 20; i++) {
            backend.webhooks().sendTest(slow).orElseThrow();
        }
        backend.webhooks().sendTest(fast).orElseThrow(); // queued behind all of the slow endpoint's
        backend.webhookDispatcher().start();

        AWAIT.atMost(Duration.ofSeconds(10)).until(() -> fastReceived.get() == 1);
        assertThat(release.getCount()).as("the slow receiver still holds its requests").isEqualTo(1);
        assertThat(slowOpen.get()).isEqualTo(CONCURRENCY);
        AWAIT.until(() -> backend.webhooks().store().deliveries(fast, 5).get(0).status() == WebhookDelivery.Status.DELIVERED);
    }

    private String endpoint(String path) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + path;
        return backend.webhooks().create(Optional.empty(), url, Set.of(), true).endpoint().id();
    }

    private void slow(HttpExchange exchange) throws IOException {
        slowReceived.incrementAndGet();
        slowMaxOpen.accumulateAndGet(slowOpen.incrementAndGet(), Math::max);
        try {
            release.await(25, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slowOpen.decrementAndGet();
        }
        answer(exchange);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }
}
