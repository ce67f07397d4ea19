package io.postbridge.core.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Endpoints, their sealed secrets, the outbox and the delivery log. Outbox rows for mail events are written by the
 * event log in the same transaction as the event (see {@code JdbcMailEventLog}); everything here is for WebAdmin
 * and the {@link WebhookDispatcher}.
 */
public interface WebhookStore {

    /** Stores a new endpoint and seals its secret, in one transaction. */
    void create(WebhookEndpoint endpoint, WebhookSecret secret);

    Optional<WebhookEndpoint> find(String id);

    /** Every endpoint, or one account's (server-wide ones are those without an account). */
    List<WebhookEndpoint> list(Optional<String> account);

    /** Changes URL, types and enabled; re-enabling clears the disabled reason. False when it does not exist. */
    boolean update(String id, String url, Set<WebhookEventType> eventTypes, boolean enabled, Instant now);

    /** Disables it (the receiver answered 410 Gone); false when it was already disabled or is gone. */
    boolean disable(String id, String reason, Instant now);

    /** Deletes the endpoint, its secrets and its deliveries. */
    boolean delete(String id);

    /** A new current secret; the old one keeps signing until {@code previousUntil}. */
    boolean rotate(String id, WebhookSecret next, Instant previousUntil, Instant now);

    /** The secrets that sign now: the current one first, then the previous one during a rotation's overlap. */
    List<WebhookSecret> signingSecrets(String id, Instant now);

    /** Puts one message for one endpoint into the outbox (a test delivery). */
    void enqueue(String endpointId, String messageId, WebhookEventType type, String payload, Instant now);

    /**
     * Claims up to {@code limit} pending deliveries that are due, for enabled endpoints, for {@code node} until
     * {@code leaseUntil}. A delivery is claimed by at most one node at a time, whatever the number of nodes; of one
     * endpoint's deliveries only so many that, with those of it already leased (in flight), at most
     * {@code perEndpoint} are.
     */
    List<Claimed> claimDue(String node, Instant now, Instant leaseUntil, int limit, int perEndpoint);

    /**
     * Logs an attempt and moves the claimed delivery on: delivered, failed, or pending again at {@code nextAttempt}.
     * False (and nothing written) when the node no longer holds the lease.
     */
    boolean finish(Claimed claimed, String node, WebhookDelivery.Attempt attempt, WebhookDelivery.Status status,
                   Optional<Instant> nextAttempt);

    /** The newest deliveries to an endpoint, without their attempt logs. */
    List<WebhookDelivery> deliveries(String endpointId, int limit);

    /** One delivery with its attempt log. */
    Optional<WebhookDelivery> delivery(String endpointId, String messageId);

    /** Sends a delivered or failed message again, from a fresh retry schedule. False when absent or still pending. */
    boolean replay(String endpointId, String messageId, Instant now);

    /** Deletes finished deliveries (and their attempts) older than {@code before}; returns how many. */
    int pruneFinished(Instant before);

    /** Deliveries waiting to be sent (pending, to enabled endpoints): the backlog of metrics and health checks. */
    default long backlog() {
        return 0;
    }

    /** A delivery a node claimed, with what it needs to send it. */
    final class Claimed {
        private final long deliveryId;
        private final String messageId;
        private final String endpointId;
        private final String url;
        private final String payload;
        private final int attempts;

        public Claimed(long deliveryId, String messageId, String endpointId, String url, String payload, int attempts) {
            this.deliveryId = deliveryId;
            this.messageId = messageId;
            this.endpointId = endpointId;
            this.url = url;
            this.payload = payload;
            this.attempts = attempts;
        }

        public long deliveryId() {
            return deliveryId;
        }

        public String messageId() {
            return messageId;
        }

        public String endpointId() {
            return endpointId;
        }

        public String url() {
            return url;
        }

        public String payload() {
            return payload;
        }

        /** Attempts made before this one. */
        public int attempts() {
            return attempts;
        }
    }
}
