package io.postbridge.core.webhooks;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A subscribed URL: server-wide (no account) or one account's, for some or all event types. */
public final class WebhookEndpoint {
    private final String id;
    private final Optional<String> account;
    private final String url;
    private final Set<WebhookEventType> eventTypes;
    private final boolean enabled;
    private final Optional<String> disabledReason;
    private final Optional<Instant> previousSecretUntil;
    private final Instant createdAt;

    public WebhookEndpoint(String id, Optional<String> account, String url, Set<WebhookEventType> eventTypes, boolean enabled,
                           Optional<String> disabledReason, Optional<Instant> previousSecretUntil, Instant createdAt) {
        this.id = Objects.requireNonNull(id);
        this.account = Objects.requireNonNull(account);
        this.url = Objects.requireNonNull(url);
        this.eventTypes = Set.copyOf(eventTypes);
        this.enabled = enabled;
        this.disabledReason = Objects.requireNonNull(disabledReason);
        this.previousSecretUntil = Objects.requireNonNull(previousSecretUntil);
        this.createdAt = Objects.requireNonNull(createdAt);
    }

    public String id() {
        return id;
    }

    /** Empty: server-wide, every account's events. */
    public Optional<String> account() {
        return account;
    }

    public String url() {
        return url;
    }

    /** Empty: every type. */
    public Set<WebhookEventType> eventTypes() {
        return eventTypes;
    }

    public boolean enabled() {
        return enabled;
    }

    public Optional<String> disabledReason() {
        return disabledReason;
    }

    /** Until when the previous secret still signs (after a rotation). */
    public Optional<Instant> previousSecretUntil() {
        return previousSecretUntil;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public boolean wants(WebhookEventType type) {
        return eventTypes.isEmpty() || eventTypes.contains(type);
    }
}
