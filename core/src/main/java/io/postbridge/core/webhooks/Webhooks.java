package io.postbridge.core.webhooks;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.AccountRepository;

/**
 * What WebAdmin does with webhook endpoints: subscribe (the secret is returned once, then only stored sealed),
 * change, rotate the secret with an overlap, send a test delivery, read the delivery log, replay.
 */
public final class Webhooks {
    public static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
    public static final Duration MAX_OVERLAP = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookStore store;
    private final EgressGuard guard;
    private final AccountRepository accounts;
    private final Clock clock;

    public Webhooks(WebhookStore store, EgressGuard guard, AccountRepository accounts, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.guard = Objects.requireNonNull(guard);
        this.accounts = Objects.requireNonNull(accounts);
        this.clock = Objects.requireNonNull(clock);
    }

    public WebhookStore store() {
        return store;
    }

    /** A new endpoint and its secret: the only time the secret is shown. */
    public static final class Created {
        private final WebhookEndpoint endpoint;
        private final WebhookSecret secret;

        Created(WebhookEndpoint endpoint, WebhookSecret secret) {
            this.endpoint = endpoint;
            this.secret = secret;
        }

        public WebhookEndpoint endpoint() {
            return endpoint;
        }

        public WebhookSecret secret() {
            return secret;
        }
    }

    /**
     * @throws AccountAdministration.NoSuchAccount for an account's endpoint when there is no such account
     * @throws IllegalArgumentException naming what is wrong with the URL (form, or a target the SSRF guard refuses)
     */
    public Created create(Optional<String> account, String url, Set<WebhookEventType> eventTypes, boolean enabled) {
        if (account.isPresent() && accounts.findByName(account.get()).isEmpty()) {
            throw new AccountAdministration.NoSuchAccount(account.get());
        }
        checkTarget(url);
        if (eventTypes.contains(WebhookEventType.TEST)) {
            throw new IllegalArgumentException(WebhookEventType.TEST.type() + " is sent on demand only, not subscribed to");
        }
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        WebhookEndpoint endpoint = new WebhookEndpoint("ep_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random), account,
            url, eventTypes, enabled, Optional.empty(), Optional.empty(), clock.instant());
        WebhookSecret secret = WebhookSecret.generate();
        store.create(endpoint, secret);
        return new Created(endpoint, secret);
    }

    public boolean update(String id, String url, Set<WebhookEventType> eventTypes, boolean enabled) {
        checkTarget(url);
        return store.update(id, url, eventTypes, enabled, clock.instant());
    }

    /** The new secret (shown once); the previous one keeps signing for {@code overlap}. Empty when no such endpoint. */
    public Optional<WebhookSecret> rotate(String id, Duration overlap) {
        if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
            throw new IllegalArgumentException("the overlap must be from 0 to " + MAX_OVERLAP.toDays() + " days");
        }
        WebhookSecret next = WebhookSecret.generate();
        Instant now = clock.instant();
        return store.rotate(id, next, now.plus(overlap), now) ? Optional.of(next) : Optional.empty();
    }

    /** Queues a {@code webhook.test} delivery to the endpoint; returns its webhook-id. */
    public Optional<String> sendTest(String id) {
        Optional<WebhookEndpoint> endpoint = store.find(id);
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        String messageId = WebhookPayload.newMessageId();
        Instant now = clock.instant();
        store.enqueue(id, messageId, WebhookEventType.TEST, WebhookPayload.test(endpoint.get(), now), now);
        return Optional.of(messageId);
    }

    public boolean replay(String id, String messageId) {
        return store.replay(id, messageId, clock.instant());
    }

    public Optional<WebhookEndpoint> find(String id) {
        return store.find(id);
    }

    public List<WebhookEndpoint> list(Optional<String> account) {
        return store.list(account);
    }

    public boolean delete(String id) {
        return store.delete(id);
    }

    /** Deletes an account's endpoints with their secrets and deliveries (the account is gone); returns how many. */
    public int deleteEndpointsOf(String account) {
        int deleted = 0;
        for (WebhookEndpoint endpoint : store.list(Optional.of(account))) {
            deleted += store.delete(endpoint.id()) ? 1 : 0;
        }
        return deleted;
    }

    private void checkTarget(String url) {
        URI uri = EgressGuard.checkForm(url);
        try {
            guard.check(uri);
        } catch (EgressGuard.Refused refused) {
            throw new IllegalArgumentException(refused.getMessage());
        }
    }
}
