package io.postbridge.core.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One message to one endpoint, as the delivery log shows it: its state and every attempt so far. */
public final class WebhookDelivery {
    public enum Status { PENDING, DELIVERED, FAILED }

    private final long id;
    private final String messageId;
    private final String endpointId;
    private final String eventType;
    private final String payload;
    private final Instant createdAt;
    private final Status status;
    private final int attempts;
    private final Instant nextAttemptAt;
    private final Optional<Integer> lastStatus;
    private final Optional<String> lastError;
    private final Optional<Instant> finishedAt;
    private final List<Attempt> attemptLog;

    public WebhookDelivery(long id, String messageId, String endpointId, String eventType, String payload, Instant createdAt,
                           Status status, int attempts, Instant nextAttemptAt, Optional<Integer> lastStatus, Optional<String> lastError,
                           Optional<Instant> finishedAt, List<Attempt> attemptLog) {
        this.id = id;
        this.messageId = Objects.requireNonNull(messageId);
        this.endpointId = Objects.requireNonNull(endpointId);
        this.eventType = Objects.requireNonNull(eventType);
        this.payload = Objects.requireNonNull(payload);
        this.createdAt = createdAt;
        this.status = status;
        this.attempts = attempts;
        this.nextAttemptAt = nextAttemptAt;
        this.lastStatus = lastStatus;
        this.lastError = lastError;
        this.finishedAt = finishedAt;
        this.attemptLog = List.copyOf(attemptLog);
    }

    public long id() {
        return id;
    }

    /** The {@code webhook-id}: the same on every attempt. */
    public String messageId() {
        return messageId;
    }

    public String endpointId() {
        return endpointId;
    }

    public String eventType() {
        return eventType;
    }

    public String payload() {
        return payload;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Status status() {
        return status;
    }

    /** Attempts since it was written or last replayed. */
    public int attempts() {
        return attempts;
    }

    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    public Optional<Integer> lastStatus() {
        return lastStatus;
    }

    public Optional<String> lastError() {
        return lastError;
    }

    public Optional<Instant> finishedAt() {
        return finishedAt;
    }

    /** Oldest first; empty when read without the log. */
    public List<Attempt> attemptLog() {
        return attemptLog;
    }

    public WebhookDelivery withAttemptLog(List<Attempt> log) {
        return new WebhookDelivery(id, messageId, endpointId, eventType, payload, createdAt, status, attempts, nextAttemptAt,
            lastStatus, lastError, finishedAt, log);
    }

    /** One HTTP attempt: status (empty when no response came), latency, error. */
    public static final class Attempt {
        private final Instant at;
        private final Optional<Integer> httpStatus;
        private final long latencyMillis;
        private final Optional<String> error;
        private final String node;

        public Attempt(Instant at, Optional<Integer> httpStatus, long latencyMillis, Optional<String> error, String node) {
            this.at = at;
            this.httpStatus = httpStatus;
            this.latencyMillis = latencyMillis;
            this.error = error;
            this.node = node;
        }

        public Instant at() {
            return at;
        }

        public Optional<Integer> httpStatus() {
            return httpStatus;
        }

        public long latencyMillis() {
            return latencyMillis;
        }

        public Optional<String> error() {
            return error;
        }

        public String node() {
            return node;
        }
    }
}
