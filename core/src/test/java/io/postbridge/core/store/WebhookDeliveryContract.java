package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.fakes.FakeWebhookReceiver;
import io.postbridge.core.fakes.FakeWebhookReceiver.Answer;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.webhooks.EgressGuard;
import io.postbridge.core.webhooks.WebhookDelivery;
import io.postbridge.core.webhooks.WebhookDispatcher;
import io.postbridge.core.webhooks.WebhookEndpoint;
import io.postbridge.core.webhooks.WebhookEventType;
import io.postbridge.core.webhooks.Webhooks;

/**
 * Webhooks from the store's outbox to a receiver that verifies them as the Standard Webhooks spec says
 * ({@link FakeWebhookReceiver}): retries with growing gaps and a stable id, redirects and timeouts as failures,
 * 410 disabling the endpoint, secret rotation, the SSRF guard, delivery across a restart and by one of two
 * dispatchers. Real clock, real HTTP on loopback; the retry base is shortened to seconds. H2 and PostgreSQL.
 */
public abstract class WebhookDeliveryContract {
    protected enum Store { H2, POSTGRES }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Loopback allowed (the receiver); 1.5 s first gap so that retries carry a new webhook-timestamp (seconds). */
    static final Map<String, String> FAST = Map.of(
        PostbridgeSettings.WEBHOOKS_ALLOWED_TARGETS, "127.0.0.1/32",
        PostbridgeSettings.WEBHOOKS_FIRST_RETRY, "1500ms",
        PostbridgeSettings.WEBHOOKS_MAX_RETRY, "10s",
        PostbridgeSettings.WEBHOOKS_TIMEOUT, "1s",
        PostbridgeSettings.WEBHOOKS_POLL, "100ms");
    static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));

    private final Store store;
    private final TestStores.PostgresSchema schema = new TestStores.PostgresSchema();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    @TempDir
    Path workingDirectory;

    protected WebhookDeliveryContract(Store store) {
        this.store = store;
    }

    protected PostbridgeBackend open(Map<String, String> settings) {
        PostbridgeBackend backend = store == Store.H2 ? TestStores.h2(workingDirectory, Clock.systemUTC(), settings)
            : schema.open(workingDirectory, Clock.systemUTC(), settings);
        toClose.add(0, backend);
        return backend;
    }

    protected static Map<String, String> with(String key, String value) {
        Map<String, String> settings = new HashMap<>(FAST);
        settings.put(key, value);
        return settings;
    }

    protected FakeWebhookReceiver receiver() throws Exception {
        FakeWebhookReceiver receiver = FakeWebhookReceiver.start();
        toClose.add(0, receiver);
        return receiver;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        schema.drop();
    }

    static MailEvent delivered(String mail, String account) {
        return MailEvent.builder(MailEventType.DELIVERED, mail).at(Instant.now()).messageId(Optional.of("<" + mail + "@test>"))
            .sender(Optional.of("app@example.com")).recipients(List.of("bob@remote.test")).account(Optional.of(account))
            .detail("250 2.0.0 OK id-" + mail).build();
    }

    static Webhooks.Created subscribe(PostbridgeBackend backend, FakeWebhookReceiver receiver, Set<WebhookEventType> types) {
        Webhooks.Created created = backend.webhooks().create(Optional.empty(), receiver.url(), types, true);
        receiver.verifyWith(created.secret().text());
        return created;
    }

    static WebhookDelivery onlyDelivery(PostbridgeBackend backend, String endpointId) {
        backend.flushEvents(Duration.ofSeconds(10)); // the outbox rows are committed with their events' batch
        List<WebhookDelivery> deliveries = backend.webhooks().store().deliveries(endpointId, 10);
        assertThat(deliveries).hasSize(1);
        return backend.webhooks().store().delivery(endpointId, deliveries.get(0).messageId()).orElseThrow();
    }

    @Test
    void twoServerErrorsThenSuccessMakeThreeAttemptsWithGrowingGapsOneIdAndFreshSignatures() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver().answer(Answer.status(500), Answer.status(500));
        Webhooks.Created endpoint = subscribe(backend, receiver, Set.of());
        backend.webhookDispatcher().start();

        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> receiver.processed().size() == 1);

        List<FakeWebhookReceiver.Request> requests = receiver.requests();
        assertThat(requests).extracting(r -> r.answered).containsExactly(500, 500, 200);
        assertThat(requests).extracting(r -> r.id).containsOnly(requests.get(0).id).allMatch(id -> id.startsWith("msg_"));
        assertThat(requests.stream().map(r -> r.timestamp).distinct()).as("a fresh timestamp per attempt").hasSize(3);
        assertThat(requests.stream().map(r -> r.signature).distinct()).as("so a fresh signature").hasSize(3);
        Duration firstGap = Duration.between(requests.get(0).receivedAt, requests.get(1).receivedAt);
        Duration secondGap = Duration.between(requests.get(1).receivedAt, requests.get(2).receivedAt);
        assertThat(firstGap).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
        assertThat(secondGap).isGreaterThan(firstGap);

        JsonNode body = JSON.readTree(receiver.processed().get(0).body);
        assertThat(body.path("type").asText()).isEqualTo("message.delivered");
        assertThat(Instant.parse(body.path("timestamp").asText())).isBefore(Instant.now());
        assertThat(body.path("data").path("messageId").asText()).isEqualTo("<m1@test>");
        assertThat(body.path("data").path("account").asText()).isEqualTo("erp");
        assertThat(body.path("data").path("detail").asText()).isEqualTo("250 2.0.0 OK id-m1");

        AWAIT.until(() -> onlyDelivery(backend, endpoint.endpoint().id()).status() == WebhookDelivery.Status.DELIVERED);
        WebhookDelivery logged = onlyDelivery(backend, endpoint.endpoint().id());
        assertThat(logged.messageId()).isEqualTo(requests.get(0).id);
        assertThat(logged.attemptLog()).extracting(a -> a.httpStatus().orElse(-1)).containsExactly(500, 500, 200);
        assertThat(logged.attemptLog()).allMatch(a -> a.latencyMillis() >= 0 && a.node().equals(backend.webhookDispatcher().node()));
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver().answer(Answer.redirect(302, FakeWebhookReceiver.REDIRECT_TARGET));
        Webhooks.Created endpoint = subscribe(backend, receiver, Set.of());
        backend.webhookDispatcher().start();

        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> receiver.processed().size() == 1);
        assertThat(receiver.requests()).extracting(r -> r.answered).containsExactly(302, 200);
        assertThat(receiver.redirectTargetHits()).as("the redirect was not followed").isZero();
        AWAIT.until(() -> onlyDelivery(backend, endpoint.endpoint().id()).status() == WebhookDelivery.Status.DELIVERED);
        WebhookDelivery.Attempt first = onlyDelivery(backend, endpoint.endpoint().id()).attemptLog().get(0);
        assertThat(first.httpStatus()).contains(302);
        assertThat(first.error().orElseThrow()).contains("redirect (not followed").contains(FakeWebhookReceiver.REDIRECT_TARGET);
    }

    @Test
    void goneDisablesTheEndpointWithAnEventAndNoMoreAttempts() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver gone = receiver().answer(Answer.status(410));
        FakeWebhookReceiver watcher = receiver();
        Webhooks.Created goneEndpoint = subscribe(backend, gone, Set.of());
        subscribe(backend, watcher, Set.of(WebhookEventType.ENDPOINT_DISABLED, WebhookEventType.MESSAGE_BOUNCED));
        backend.webhookDispatcher().start();

        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> !backend.webhooks().find(goneEndpoint.endpoint().id()).orElseThrow().enabled());
        WebhookEndpoint disabled = backend.webhooks().find(goneEndpoint.endpoint().id()).orElseThrow();
        assertThat(disabled.disabledReason().orElseThrow()).contains("410");
        assertThat(onlyDelivery(backend, disabled.id()).status()).isEqualTo(WebhookDelivery.Status.FAILED);
        // the event is recorded right after the endpoint is disabled
        AWAIT.until(() -> !backend.events().recent(10, Optional.of(MailEventType.WEBHOOK_DISABLED)).isEmpty());
        assertThat(backend.events().recent(10, Optional.of(MailEventType.WEBHOOK_DISABLED))).hasSize(1)
            .allMatch(e -> e.getMailName().equals(disabled.id()));

        // the other endpoint hears of it; a later event reaches it but not the disabled endpoint
        AWAIT.until(() -> watcher.processed().size() == 1);
        assertThat(JSON.readTree(watcher.processed().get(0).body).path("type").asText()).isEqualTo("webhook.endpoint_disabled");
        backend.events().record(MailEvent.builder(MailEventType.BOUNCED, "m2").at(Instant.now()).recipients(List.of("x@remote.test"))
            .account(Optional.of("erp")).detail("5.1.1 no such user").build());
        AWAIT.until(() -> watcher.processed().size() == 2);
        assertThat(gone.requests()).hasSize(1);
        assertThat(backend.webhooks().store().deliveries(disabled.id(), 10)).as("not even queued for a disabled endpoint").hasSize(1);
    }

    @Test
    void aResponseSlowerThanTheTimeoutIsRetriedAndTheReceiverDeduplicatesIt() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver().answer(Answer.slow(Duration.ofSeconds(4), 200));
        Webhooks.Created endpoint = subscribe(backend, receiver, Set.of());
        backend.webhookDispatcher().start();

        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> onlyDelivery(backend, endpoint.endpoint().id()).status() == WebhookDelivery.Status.DELIVERED);
        WebhookDelivery delivery = onlyDelivery(backend, endpoint.endpoint().id());
        assertThat(delivery.attemptLog()).hasSize(2);
        assertThat(delivery.attemptLog().get(0).httpStatus()).isEmpty();
        assertThat(delivery.attemptLog().get(0).error().orElseThrow()).contains("timeout");
        assertThat(receiver.requests()).hasSize(2).extracting(r -> r.id).containsOnly(delivery.messageId());
        assertThat(receiver.processed()).as("processed once: the retry carried the same webhook-id").hasSize(1);
    }

    @Test
    void afterARotationBothSecretsSignUntilTheOverlapEnds() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver();
        Webhooks.Created endpoint = subscribe(backend, receiver, Set.of());
        String old = endpoint.secret().text();
        backend.webhookDispatcher().start();

        String rotated = backend.webhooks().rotate(endpoint.endpoint().id(), Duration.ofHours(1)).orElseThrow().text();
        assertThat(rotated).isNotEqualTo(old).startsWith("whsec_");
        receiver.verifyWith(rotated);
        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> receiver.processed().size() == 1);
        FakeWebhookReceiver.Request during = receiver.processed().get(0);
        assertThat(during.signature.split(" ")).hasSize(2);
        assertThat(FakeWebhookReceiver.verify(old, during.id, during.timestamp, during.body, during.signature))
            .as("a receiver still on the previous secret accepts it").isTrue();

        backend.webhooks().rotate(endpoint.endpoint().id(), Duration.ZERO);
        assertThat(backend.webhooks().store().signingSecrets(endpoint.endpoint().id(), Instant.now())).hasSize(1);
        receiver.verifyWith(rotated); // now the previous one: no longer signs
        backend.events().record(delivered("m2", "erp"));
        AWAIT.until(() -> receiver.requests().size() >= 2);
        FakeWebhookReceiver.Request after = receiver.requests().get(1);
        assertThat(after.answered).isEqualTo(400);
        assertThat(after.signature.split(" ")).hasSize(1);
    }

    @Test
    void theSsrfGuardRefusesLoopbackUnlessAllowListedAndChecksAgainAtDelivery() throws Exception {
        FakeWebhookReceiver receiver = receiver();
        PostbridgeBackend allowing = open(FAST);
        Webhooks.Created endpoint = subscribe(allowing, receiver, Set.of());
        allowing.close();

        PostbridgeBackend backend = open(with(PostbridgeSettings.WEBHOOKS_ALLOWED_TARGETS, ""));
        assertThatThrownBy(() -> backend.webhooks().create(Optional.empty(), receiver.url(), Set.of(), true))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("127.0.0.1").hasMessageContaining("webhooks.allowedTargets");
        String byName = receiver.url().replace("127.0.0.1", "localhost");
        assertThatThrownBy(() -> backend.webhooks().create(Optional.empty(), byName, Set.of(), true))
            .as("the resolved address counts, not the name").hasMessageContaining("localhost resolves to");

        backend.webhookDispatcher().start();
        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> onlyDelivery(backend, endpoint.endpoint().id()).status() == WebhookDelivery.Status.FAILED);
        assertThat(onlyDelivery(backend, endpoint.endpoint().id()).lastError().orElseThrow()).contains("target refused");
        assertThat(receiver.requests()).isEmpty();
    }

    /** A name no DNS server knows: only the test's resolver answers for it. */
    private static final String PRIVATE_NAME = "hooks.postbridge.test";

    private WebhookDispatcher dispatcher(PostbridgeBackend backend, Map<String, String> settings, EgressGuard.Resolver resolver) {
        io.postbridge.core.webhooks.WebhookSettings webhookSettings = PostbridgeSettings.from(settings, workingDirectory).webhooks();
        WebhookDispatcher dispatcher = new WebhookDispatcher(backend.webhooks().store(), webhookSettings,
            new EgressGuard(webhookSettings.allowedTargets(), resolver), backend.events(), Clock.systemUTC(), Duration.ofDays(30));
        toClose.add(0, dispatcher);
        return dispatcher;
    }

    private static String subscribeByName(PostbridgeBackend backend, FakeWebhookReceiver receiver, String scheme) {
        io.postbridge.core.webhooks.WebhookSecret secret = io.postbridge.core.webhooks.WebhookSecret.generate();
        String url = receiver.url().replace("http://127.0.0.1", scheme + "://" + PRIVATE_NAME);
        backend.webhooks().store().create(new WebhookEndpoint("ep_byname", Optional.empty(), url, Set.of(), true, Optional.empty(),
            Optional.empty(), Instant.now()), secret);
        receiver.verifyWith(secret.text());
        return "ep_byname";
    }

    @Test
    void theRequestGoesToTheAddressTheGuardCheckedWithTheRealHostName() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver();
        subscribeByName(backend, receiver, "http");
        // the JVM's own resolver cannot resolve the name: a delivery that arrives was sent to the checked address
        dispatcher(backend, FAST, host -> new java.net.InetAddress[] {java.net.InetAddress.getByName("127.0.0.1")}).start();

        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> receiver.processed().size() == 1);
        assertThat(receiver.processed().get(0).host).startsWith(PRIVATE_NAME + ":");
    }

    @Test
    void aDnsRebindingAnswerAfterTheCheckNeverReachesTheConnect() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver();
        String id = subscribeByName(backend, receiver, "https");
        // a hostile DNS server: a public address for the first question, loopback for every later one
        java.util.concurrent.atomic.AtomicInteger questions = new java.util.concurrent.atomic.AtomicInteger();
        Map<String, String> noAllowList = with(PostbridgeSettings.WEBHOOKS_ALLOWED_TARGETS, "");
        dispatcher(backend, noAllowList, host -> new java.net.InetAddress[] {java.net.InetAddress.getByName(
            questions.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")}).start();

        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> !onlyDelivery(backend, id).attemptLog().isEmpty());
        WebhookDelivery.Attempt first = onlyDelivery(backend, id).attemptLog().get(0);
        assertThat(first.httpStatus()).isEmpty();
        assertThat(first.error().orElseThrow()).contains("403");
        assertThat(questions.get()).isGreaterThanOrEqualTo(2);
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void aFailedDeliveryIsReplayedWithTheSameId() throws Exception {
        PostbridgeBackend backend = open(with(PostbridgeSettings.WEBHOOKS_ATTEMPTS, "2"));
        FakeWebhookReceiver receiver = receiver().answer(Answer.status(503), Answer.retryAfter(429, "1"));
        Webhooks.Created endpoint = subscribe(backend, receiver, Set.of());
        String id = endpoint.endpoint().id();
        backend.webhookDispatcher().start();

        backend.events().record(delivered("m1", "erp"));
        AWAIT.until(() -> onlyDelivery(backend, id).status() == WebhookDelivery.Status.FAILED);
        WebhookDelivery failed = onlyDelivery(backend, id);
        assertThat(failed.attemptLog()).extracting(a -> a.httpStatus().orElse(-1)).containsExactly(503, 429);
        assertThat(failed.lastError().orElseThrow()).contains("no attempts left");

        assertThat(backend.webhooks().replay(id, failed.messageId())).isTrue();
        AWAIT.until(() -> onlyDelivery(backend, id).status() == WebhookDelivery.Status.DELIVERED);
        assertThat(receiver.processed()).hasSize(1).allMatch(r -> r.id.equals(failed.messageId()));
        assertThat(onlyDelivery(backend, id).attemptLog()).hasSize(3);
        assertThat(backend.webhooks().replay(id, "msg_unknown")).isFalse();
    }

    @Test
    void endpointsGetTheirAccountsEventsOfTheTypesTheyChose() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver();
        Webhooks.Created all = subscribe(backend, receiver, Set.of());
        backend.accountAdministration().createOrUpdate("erp", account -> account); // an account's endpoints need the account
        Webhooks.Created erpBounces = backend.webhooks().create(Optional.of("erp"), receiver.url(), Set.of(WebhookEventType.MESSAGE_BOUNCED), true);
        Webhooks.Created erpAll = backend.webhooks().create(Optional.of("erp"), receiver.url(), Set.of(), true);
        Webhooks.Created disabled = backend.webhooks().create(Optional.empty(), receiver.url(), Set.of(), false);

        backend.events().record(delivered("m1", "erp"));
        backend.events().record(MailEvent.builder(MailEventType.BOUNCED, "m2").at(Instant.now()).recipients(List.of("x@remote.test"))
            .account(Optional.of("erp")).detail("5.1.1").build());
        backend.events().record(delivered("m3", "billing"));
        backend.events().record(MailEvent.builder(MailEventType.RECEIVED, "m4").at(Instant.now()).recipients(List.of("x@example.com"))
            .build());
        // the outbox rows are committed with the events' batch, by the background writer
        assertThat(backend.flushEvents(Duration.ofSeconds(10))).isTrue();

        assertThat(types(backend, all)).containsExactlyInAnyOrder("message.delivered", "message.bounced", "message.delivered",
            "message.received");
        assertThat(types(backend, erpBounces)).containsExactly("message.bounced");
        assertThat(types(backend, erpAll)).containsExactlyInAnyOrder("message.delivered", "message.bounced");
        assertThat(types(backend, disabled)).isEmpty();
        assertThat(backend.webhooks().list(Optional.of("erp"))).extracting(WebhookEndpoint::id)
            .containsExactlyInAnyOrder(erpBounces.endpoint().id(), erpAll.endpoint().id());
        // one message id per event, the same for every endpoint
        String bounceId = backend.webhooks().store().deliveries(erpBounces.endpoint().id(), 1).get(0).messageId();
        assertThat(backend.webhooks().store().deliveries(erpAll.endpoint().id(), 10)).extracting(WebhookDelivery::messageId).contains(bounceId);
    }

    @Test
    void secretsAreSealedAtRestAndDeletedWithTheEndpoint() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver();
        Webhooks.Created endpoint = subscribe(backend, receiver, Set.of());
        String secret = endpoint.secret().text();
        String key = secret.substring("whsec_".length());
        Jdbc jdbc = new Jdbc(backend.database().dataSource());
        List<String> stored = jdbc.query("SELECT e.url, e.event_types, s.ciphertext FROM pb_webhook_endpoint e, pb_secret s WHERE s.scope = ?",
            row -> row.getString("url") + row.getString("event_types") + row.getString("ciphertext"),
            JdbcWebhookStore.scope(endpoint.endpoint().id()));
        assertThat(stored).hasSize(1).allMatch(row -> !row.contains(key));
        if (store == Store.POSTGRES) {
            assertThat(new String(TestStores.postgresRows(backend, "pb_webhook_endpoint", "pb_secret"), StandardCharsets.UTF_8))
                .doesNotContain(key);
        }
        assertThat(backend.secretVault().names(JdbcWebhookStore.scope(endpoint.endpoint().id()))).containsExactly("current");
        assertThat(backend.webhooks().delete(endpoint.endpoint().id())).isTrue();
        assertThat(backend.secretVault().names(JdbcWebhookStore.scope(endpoint.endpoint().id()))).isEmpty();
        assertThat(backend.webhooks().find(endpoint.endpoint().id())).isEmpty();
    }

    @Test
    void undeliveredWebhooksAreDeliveredAfterARestart() throws Exception {
        FakeWebhookReceiver receiver = receiver();
        PostbridgeBackend first = open(FAST);
        Webhooks.Created endpoint = subscribe(first, receiver, Set.of());
        // this node never sends (as if it crashed right after the events were committed)
        first.events().record(delivered("m1", "erp"));
        first.events().record(delivered("m2", "erp"));
        first.close();
        assertThat(receiver.requests()).isEmpty();

        PostbridgeBackend second = open(FAST);
        second.webhookDispatcher().start();
        AWAIT.until(() -> receiver.processed().size() == 2);
        // the receiver has answered; the store records it right after
        AWAIT.until(() -> second.webhooks().store().deliveries(endpoint.endpoint().id(), 10).stream()
            .allMatch(d -> d.status() == WebhookDelivery.Status.DELIVERED));
        assertThat(receiver.requests()).hasSize(2);
    }

    @Test
    void twoDispatchersOnOneStoreSendEachWebhookOnce() throws Exception {
        PostbridgeBackend backend = open(FAST);
        FakeWebhookReceiver receiver = receiver();
        Webhooks.Created endpoint = subscribe(backend, receiver, Set.of());
        WebhookDispatcher other = new WebhookDispatcher(backend.webhooks().store(), PostbridgeSettings.from(FAST, workingDirectory).webhooks(),
            new EgressGuard(PostbridgeSettings.from(FAST, workingDirectory).webhooks().allowedTargets()), backend.events(), Clock.systemUTC(),
            Duration.ofDays(30));
        toClose.add(0, other);
        for (int i = 0; i < 40; i++) {
            backend.events().record(delivered("m" + i, "erp"));
        }
        other.start();
        backend.webhookDispatcher().start();
        assertDeliveredOnce(receiver, backend, endpoint, 40);
    }

    static void assertDeliveredOnce(FakeWebhookReceiver receiver, PostbridgeBackend backend, Webhooks.Created endpoint, int count) {
        assertThat(backend.flushEvents(Duration.ofSeconds(10))).isTrue(); // every outbox row is committed
        assertThat(backend.webhooks().store().deliveries(endpoint.endpoint().id(), 1000)).hasSize(count);
        AWAIT.until(() -> backend.webhooks().store().deliveries(endpoint.endpoint().id(), 1000).stream()
            .allMatch(d -> d.status() == WebhookDelivery.Status.DELIVERED));
        assertThat(receiver.requests()).hasSize(count);
        assertThat(receiver.requests().stream().map(r -> r.id).collect(Collectors.toSet())).hasSize(count);
        assertThat(receiver.processed()).hasSize(count);
    }

    private static List<String> types(PostbridgeBackend backend, Webhooks.Created endpoint) {
        return backend.webhooks().store().deliveries(endpoint.endpoint().id(), 100).stream().map(WebhookDelivery::eventType)
            .collect(Collectors.toList());
    }
}
