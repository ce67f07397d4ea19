package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.postbridge.core.secrets.SecretVault;
import io.postbridge.core.webhooks.WebhookDelivery;
import io.postbridge.core.webhooks.WebhookEndpoint;
import io.postbridge.core.webhooks.WebhookEventType;
import io.postbridge.core.webhooks.WebhookSecret;
import io.postbridge.core.webhooks.WebhookStore;
import io.postbridge.core.webhooks.WebhookSubscriptions;

/**
 * Webhook endpoints, outbox and delivery log in the store (V7: {@code pb_webhook_endpoint}, {@code pb_webhook_delivery},
 * {@code pb_webhook_attempt}); secrets sealed by the {@link SecretVault} in {@code pb_secret} (scope
 * {@code webhook/<id>}), written in the same transaction as the endpoint row.
 *
 * <p>Claiming is portable (H2 and PostgreSQL alike): candidates are read, then each one is taken with a conditional
 * {@code UPDATE ... WHERE lease expired}; the database applies updates of one row one after the other, so exactly one
 * node's update changes it. That node holds the delivery until its lease ends.
 */
public final class JdbcWebhookStore implements WebhookStore {
    private static final String CURRENT = "current";
    private static final String PREVIOUS = "previous";
    private static final String ALL_TYPES = "*";
    private static final int MAX_ERROR = 1000;
    private static final String ENDPOINT_COLUMNS = "id, account, url, event_types, enabled, disabled_reason, previous_until, created_at";
    private static final String DELIVERY_COLUMNS = "id, message_id, endpoint_id, event_type, payload, created_at, status, attempts, "
        + "next_attempt_at, last_status, last_error, finished_at";

    private final Jdbc jdbc;
    private final SecretVault vault;
    private final Clock clock;
    private volatile Runnable onEnqueued = () -> { };

    public JdbcWebhookStore(Jdbc jdbc, SecretVault vault, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc);
        this.vault = Objects.requireNonNull(vault);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Called after a transaction that put deliveries into the outbox committed (the local dispatcher wakes up). */
    public void onEnqueued(Runnable listener) {
        this.onEnqueued = Objects.requireNonNull(listener);
    }

    void enqueued() {
        onEnqueued.run();
    }

    static String scope(String endpointId) {
        return "webhook/" + endpointId;
    }

    /** The outbox row of one event for one endpoint, if that endpoint is still there and enabled when it commits. */
    static final String OUTBOX_INSERT = "INSERT INTO pb_webhook_delivery (message_id, endpoint_id, event_type, payload, created_at,"
        + " status, attempts, next_attempt_at) SELECT ?, e.id, ?, ?, ?, 'pending', 0, ? FROM pb_webhook_endpoint e"
        + " WHERE e.id = ? AND e.enabled = TRUE";

    /**
     * The subscriptions as the store holds them now: {@code cached} again when the subscription generation (V12) did
     * not change since it was read (one primary-key read), otherwise read afresh. Every endpoint change on any node
     * increments the generation in its own transaction.
     */
    WebhookSubscriptions subscriptions(WebhookSubscriptions cached) {
        long generation = generation(jdbc);
        if (generation == cached.generation()) {
            return cached;
        }
        List<WebhookSubscriptions.Subscription> subscriptions = jdbc.query("SELECT id, account, event_types FROM pb_webhook_endpoint"
                + " WHERE enabled = TRUE", row -> new WebhookSubscriptions.Subscription(row.getString("id"),
                Optional.ofNullable(row.getString("account")), parseTypes(row.getString("event_types"))));
        return new WebhookSubscriptions(generation, subscriptions);
    }

    private static long generation(Jdbc jdbc) {
        return jdbc.queryOne("SELECT generation FROM pb_webhook_generation WHERE id = 1", row -> row.getLong("generation"))
            .orElseThrow(() -> new StoreException("pb_webhook_generation has no row (V12)"));
    }

    /** In the transaction of an endpoint change: the event log writers of every node re-read the subscriptions. */
    private static void changed(Jdbc tx) {
        tx.update("UPDATE pb_webhook_generation SET generation = generation + 1 WHERE id = 1");
    }

    @Override
    public void create(WebhookEndpoint endpoint, WebhookSecret secret) {
        long now = endpoint.createdAt().toEpochMilli();
        jdbc.inTransaction(tx -> {
            tx.update("INSERT INTO pb_webhook_endpoint (" + ENDPOINT_COLUMNS + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                endpoint.id(), Jdbc.nullable(endpoint.account()), endpoint.url(), types(endpoint.eventTypes()), endpoint.enabled(),
                Jdbc.nullable(endpoint.disabledReason()), Jdbc.NULL_LONG, now, now);
            vault.using(new JdbcSecretRepository(tx, clock)).put(scope(endpoint.id()), CURRENT, Optional.empty(), secret.text());
            changed(tx);
            return null;
        });
    }

    @Override
    public Optional<WebhookEndpoint> find(String id) {
        return jdbc.queryOne("SELECT " + ENDPOINT_COLUMNS + " FROM pb_webhook_endpoint WHERE id = ?", JdbcWebhookStore::endpoint, id);
    }

    @Override
    public List<WebhookEndpoint> list(Optional<String> account) {
        if (account.isPresent()) {
            return jdbc.query("SELECT " + ENDPOINT_COLUMNS + " FROM pb_webhook_endpoint WHERE account = ? ORDER BY created_at, id",
                JdbcWebhookStore::endpoint, account.get());
        }
        return jdbc.query("SELECT " + ENDPOINT_COLUMNS + " FROM pb_webhook_endpoint ORDER BY created_at, id", JdbcWebhookStore::endpoint);
    }

    @Override
    public boolean update(String id, String url, Set<WebhookEventType> eventTypes, boolean enabled, Instant now) {
        return jdbc.inTransaction(tx -> {
            boolean updated = tx.update("UPDATE pb_webhook_endpoint SET url = ?, event_types = ?, enabled = ?,"
                    + " disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END, updated_at = ? WHERE id = ?",
                url, types(eventTypes), enabled, enabled, now.toEpochMilli(), id) == 1;
            if (updated) {
                changed(tx);
            }
            return updated;
        });
    }

    @Override
    public boolean disable(String id, String reason, Instant now) {
        return jdbc.inTransaction(tx -> {
            boolean disabled = tx.update("UPDATE pb_webhook_endpoint SET enabled = FALSE, disabled_reason = ?, updated_at = ?"
                + " WHERE id = ? AND enabled = TRUE", clip(reason), now.toEpochMilli(), id) == 1;
            if (disabled) {
                changed(tx);
            }
            return disabled;
        });
    }

    @Override
    public boolean delete(String id) {
        return jdbc.inTransaction(tx -> {
            tx.update("DELETE FROM pb_webhook_attempt WHERE delivery_id IN (SELECT id FROM pb_webhook_delivery WHERE endpoint_id = ?)", id);
            tx.update("DELETE FROM pb_webhook_delivery WHERE endpoint_id = ?", id);
            tx.update("DELETE FROM pb_secret WHERE scope = ?", scope(id));
            boolean deleted = tx.update("DELETE FROM pb_webhook_endpoint WHERE id = ?", id) == 1;
            if (deleted) {
                changed(tx);
            }
            return deleted;
        });
    }

    @Override
    public boolean rotate(String id, WebhookSecret next, Instant previousUntil, Instant now) {
        return jdbc.inTransaction(tx -> {
            if (tx.update("UPDATE pb_webhook_endpoint SET previous_until = ?, updated_at = ? WHERE id = ?",
                previousUntil.toEpochMilli(), now.toEpochMilli(), id) != 1) {
                return false;
            }
            SecretVault bound = vault.using(new JdbcSecretRepository(tx, clock));
            String current = bound.get(scope(id), CURRENT)
                .orElseThrow(() -> new StoreException("webhook endpoint " + id + " has no secret"));
            bound.put(scope(id), PREVIOUS, Optional.empty(), current);
            bound.put(scope(id), CURRENT, Optional.empty(), next.text());
            return true;
        });
    }

    @Override
    public List<WebhookSecret> signingSecrets(String id, Instant now) {
        Optional<WebhookEndpoint> endpoint = find(id);
        if (endpoint.isEmpty()) {
            return List.of();
        }
        List<WebhookSecret> secrets = new ArrayList<>();
        vault.get(scope(id), CURRENT).map(WebhookSecret::parse).ifPresent(secrets::add);
        if (endpoint.get().previousSecretUntil().filter(now::isBefore).isPresent()) {
            vault.get(scope(id), PREVIOUS).map(WebhookSecret::parse).ifPresent(secrets::add);
        }
        return secrets;
    }

    @Override
    public void enqueue(String endpointId, String messageId, WebhookEventType type, String payload, Instant now) {
        jdbc.update("INSERT INTO pb_webhook_delivery (message_id, endpoint_id, event_type, payload, created_at, status, attempts,"
            + " next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)", messageId, endpointId, type.type(), payload,
            now.toEpochMilli(), now.toEpochMilli());
        enqueued();
    }

    @Override
    public List<Claimed> claimDue(String node, Instant now, Instant leaseUntil, int limit, int perEndpoint) {
        if (limit <= 0) {
            return List.of();
        }
        long nowMillis = now.toEpochMilli();
        // per endpoint: its due deliveries in order, as many as its leased (in-flight) ones leave room for
        List<Long> candidates = jdbc.query("SELECT c.id FROM (SELECT d.id, d.next_attempt_at,"
                + " ROW_NUMBER() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS rank_in_endpoint,"
                + " (SELECT COUNT(*) FROM pb_webhook_delivery f WHERE f.endpoint_id = d.endpoint_id AND f.status = 'pending'"
                + " AND f.lease_until >= ?) AS leased"
                + " FROM pb_webhook_delivery d JOIN pb_webhook_endpoint e ON e.id = d.endpoint_id"
                + " WHERE d.status = 'pending' AND e.enabled = TRUE AND d.next_attempt_at <= ?"
                + " AND (d.lease_until IS NULL OR d.lease_until < ?)) c"
                + " WHERE c.rank_in_endpoint + c.leased <= ? ORDER BY c.next_attempt_at, c.id FETCH FIRST " + limit + " ROWS ONLY",
            row -> row.getLong("id"), nowMillis, nowMillis, nowMillis, perEndpoint);
        List<Claimed> claimed = new ArrayList<>();
        for (long id : candidates) {
            int taken = jdbc.update("UPDATE pb_webhook_delivery SET lease_owner = ?, lease_until = ? WHERE id = ? AND status = 'pending'"
                + " AND (lease_until IS NULL OR lease_until < ?)", node, leaseUntil.toEpochMilli(), id, nowMillis);
            if (taken == 1) {
                jdbc.queryOne("SELECT d.id, d.message_id, d.endpoint_id, e.url, d.payload, d.attempts FROM pb_webhook_delivery d"
                        + " JOIN pb_webhook_endpoint e ON e.id = d.endpoint_id WHERE d.id = ?",
                    row -> new Claimed(row.getLong("id"), row.getString("message_id"), row.getString("endpoint_id"), row.getString("url"),
                        row.getString("payload"), row.getInt("attempts")), id)
                    .ifPresent(claimed::add);
            }
        }
        return claimed;
    }

    @Override
    public boolean finish(Claimed claimed, String node, WebhookDelivery.Attempt attempt, WebhookDelivery.Status status,
                          Optional<Instant> nextAttempt) {
        long at = attempt.at().toEpochMilli();
        return jdbc.inTransaction(tx -> {
            int updated = tx.update("UPDATE pb_webhook_delivery SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_status = ?,"
                    + " last_error = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
                status.name().toLowerCase(java.util.Locale.ROOT), nextAttempt.map(Instant::toEpochMilli).orElse(at),
                Jdbc.nullableInt(attempt.httpStatus()), Jdbc.nullable(attempt.error().map(JdbcWebhookStore::clip)),
                status == WebhookDelivery.Status.PENDING ? Jdbc.NULL_LONG : (Object) at, claimed.deliveryId(), node);
            if (updated != 1) {
                return false;
            }
            tx.update("INSERT INTO pb_webhook_attempt (delivery_id, attempted_at, http_status, latency_ms, error, node) VALUES (?, ?, ?, ?, ?, ?)",
                claimed.deliveryId(), at, Jdbc.nullableInt(attempt.httpStatus()), attempt.latencyMillis(),
                Jdbc.nullable(attempt.error().map(JdbcWebhookStore::clip)), node);
            return true;
        });
    }

    @Override
    public List<WebhookDelivery> deliveries(String endpointId, int limit) {
        return jdbc.query("SELECT " + DELIVERY_COLUMNS + " FROM pb_webhook_delivery WHERE endpoint_id = ? ORDER BY created_at DESC, id DESC"
            + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", JdbcWebhookStore::delivery, endpointId);
    }

    @Override
    public Optional<WebhookDelivery> delivery(String endpointId, String messageId) {
        return jdbc.queryOne("SELECT " + DELIVERY_COLUMNS + " FROM pb_webhook_delivery WHERE endpoint_id = ? AND message_id = ?",
                JdbcWebhookStore::delivery, endpointId, messageId)
            .map(delivery -> delivery.withAttemptLog(jdbc.query("SELECT attempted_at, http_status, latency_ms, error, node"
                + " FROM pb_webhook_attempt WHERE delivery_id = ? ORDER BY attempted_at, id", row -> new WebhookDelivery.Attempt(
                    Instant.ofEpochMilli(row.getLong("attempted_at")), Jdbc.optionalInt(row, "http_status"), row.getLong("latency_ms"),
                    Optional.ofNullable(row.getString("error")), row.getString("node")), delivery.id())));
    }

    @Override
    public boolean replay(String endpointId, String messageId, Instant now) {
        boolean replayed = jdbc.update("UPDATE pb_webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL,"
            + " lease_owner = NULL, lease_until = NULL WHERE endpoint_id = ? AND message_id = ? AND status <> 'pending'",
            now.toEpochMilli(), endpointId, messageId) == 1;
        if (replayed) {
            enqueued();
        }
        return replayed;
    }

    @Override
    public long backlog() {
        return jdbc.queryOne("SELECT COUNT(*) AS waiting FROM pb_webhook_delivery d JOIN pb_webhook_endpoint e ON e.id = d.endpoint_id"
            + " WHERE d.status = 'pending' AND e.enabled = TRUE", row -> row.getLong("waiting")).orElse(0L);
    }

    @Override
    public int pruneFinished(Instant before) {
        return jdbc.inTransaction(tx -> {
            tx.update("DELETE FROM pb_webhook_attempt WHERE delivery_id IN (SELECT id FROM pb_webhook_delivery"
                + " WHERE status <> 'pending' AND finished_at < ?)", before.toEpochMilli());
            return tx.update("DELETE FROM pb_webhook_delivery WHERE status <> 'pending' AND finished_at < ?", before.toEpochMilli());
        });
    }

    private static String types(Set<WebhookEventType> types) {
        if (types.isEmpty()) {
            return ALL_TYPES;
        }
        return types.stream().map(WebhookEventType::type).sorted().collect(Collectors.joining(",", ",", ","));
    }

    private static Set<WebhookEventType> parseTypes(String stored) {
        if (ALL_TYPES.equals(stored)) {
            return Collections.emptySet();
        }
        Set<WebhookEventType> types = EnumSet.noneOf(WebhookEventType.class);
        Arrays.stream(stored.split(",")).filter(t -> !t.isEmpty()).forEach(t -> WebhookEventType.fromType(t).ifPresent(types::add));
        return types;
    }

    private static WebhookEndpoint endpoint(ResultSet row) throws SQLException {
        return new WebhookEndpoint(row.getString("id"), Optional.ofNullable(row.getString("account")), row.getString("url"),
            parseTypes(row.getString("event_types")), row.getBoolean("enabled"), Optional.ofNullable(row.getString("disabled_reason")),
            Jdbc.optionalLong(row, "previous_until").map(Instant::ofEpochMilli), Instant.ofEpochMilli(row.getLong("created_at")));
    }

    private static WebhookDelivery delivery(ResultSet row) throws SQLException {
        return new WebhookDelivery(row.getLong("id"), row.getString("message_id"), row.getString("endpoint_id"),
            row.getString("event_type"), row.getString("payload"), Instant.ofEpochMilli(row.getLong("created_at")),
            WebhookDelivery.Status.valueOf(row.getString("status").toUpperCase(java.util.Locale.ROOT)), row.getInt("attempts"),
            Instant.ofEpochMilli(row.getLong("next_attempt_at")), Jdbc.optionalInt(row, "last_status"),
            Optional.ofNullable(row.getString("last_error")), Jdbc.optionalLong(row, "finished_at").map(Instant::ofEpochMilli), List.of());
    }

    private static String clip(String value) {
        return value.length() <= MAX_ERROR ? value : value.substring(0, MAX_ERROR - 3) + "...";
    }
}
