package io.postbridge.core.webhooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.postbridge.core.events.MailEvent;

/**
 * Which enabled endpoints want which events, as of one reading of the store: the event log's writer decides with it,
 * in memory, whether an event needs outbox rows at all (most events have no subscriber). It is checked against the
 * store's subscription generation once per batch (see {@code JdbcWebhookStore}).
 */
public final class WebhookSubscriptions {
    public static final WebhookSubscriptions NONE = new WebhookSubscriptions(-1, List.of());

    private final long generation;
    private final List<Subscription> subscriptions;

    public WebhookSubscriptions(long generation, List<Subscription> subscriptions) {
        this.generation = generation;
        this.subscriptions = List.copyOf(subscriptions);
    }

    /** One enabled endpoint: its account (empty = server-wide) and types (empty = every type). */
    public static final class Subscription {
        private final String endpointId;
        private final Optional<String> account;
        private final Set<WebhookEventType> types;

        public Subscription(String endpointId, Optional<String> account, Set<WebhookEventType> types) {
            this.endpointId = Objects.requireNonNull(endpointId);
            this.account = Objects.requireNonNull(account);
            this.types = Set.copyOf(types);
        }

        boolean wants(WebhookEventType type, Optional<String> eventAccount) {
            return (account.isEmpty() || account.equals(eventAccount)) && (types.isEmpty() || types.contains(type));
        }
    }

    public long generation() {
        return generation;
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    /** The ids of the endpoints that want this event (none for an event type no webhook reports). */
    public List<String> endpointsFor(MailEvent event) {
        if (subscriptions.isEmpty()) {
            return List.of();
        }
        Optional<WebhookEventType> type = WebhookEventType.of(event.getType());
        if (type.isEmpty()) {
            return List.of();
        }
        List<String> endpoints = new ArrayList<>(1);
        for (Subscription subscription : subscriptions) {
            if (subscription.wants(type.get(), event.getAccount())) {
                endpoints.add(subscription.endpointId);
            }
        }
        return endpoints;
    }
}
