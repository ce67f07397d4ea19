package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.events.BatchMailEventLog;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.webhooks.WebhookEventType;
import io.postbridge.core.webhooks.WebhookPayload;
import io.postbridge.core.webhooks.WebhookSubscriptions;

/**
 * Mail events in the store (table {@code pb_mail_event}): they survive a restart and every node sharing the
 * database lists them all. Kept for {@code retention} (postbridge.properties {@code events.retention}): at most once
 * an hour, recording an event also deletes the rows older than that, an indexed range delete, so no extra thread
 * or job is needed. An event that cannot be written is logged and dropped: the log must never fail a mail.
 *
 * <p>Events are written in batches ({@link #recordAll}; the server records through
 * {@code events.BufferedMailEventLog}, a background writer, so no mail thread waits for the store). With a webhook
 * outbox, the outbox rows for the endpoints that want an event are written in the <b>same transaction</b> as the
 * event: an event that is committed is sent eventually, and no endpoint is ever called on the mail path (the
 * dispatcher sends later, on its own threads). Which endpoints want which events is decided in memory from
 * {@link WebhookSubscriptions}, re-read when the store's subscription generation changed (any node's endpoint change
 * increments it), so an event nobody subscribed to costs no outbox statement.
 */
public final class JdbcMailEventLog implements BatchMailEventLog {
    // compiled once: bounce handling looks a Message-ID up for every bounce
    private static final Pattern ANGLE_BRACKETS = Pattern.compile("^<|>$");
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    static final Duration PRUNE_INTERVAL = Duration.ofHours(1);
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcMailEventLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() { };
    // column sizes (V4)
    private static final int MAIL_NAME = 500;
    private static final int MESSAGE_ID = 1000;
    private static final int ADDRESS = 320;
    private static final int RECIPIENTS = 65536;
    private static final int DETAIL = 4000;
    private static final String COLUMNS = "occurred_at, event_type, mail_name, message_id, sender, recipients, account, detail";
    private static final String INSERT = "INSERT INTO pb_mail_event (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private final Jdbc jdbc;
    private final Clock clock;
    private final Duration retention;
    private final AtomicLong nextPrune = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong nextFailureLog = new AtomicLong(Long.MIN_VALUE);
    private final Optional<JdbcWebhookStore> outbox;
    /** Only read and replaced by recordAll (synchronized). */
    private WebhookSubscriptions subscriptions = WebhookSubscriptions.NONE;

    public JdbcMailEventLog(Jdbc jdbc, Clock clock, Duration retention) {
        this(jdbc, clock, retention, Optional.empty());
    }

    public JdbcMailEventLog(Jdbc jdbc, Clock clock, Duration retention, Optional<JdbcWebhookStore> outbox) {
        this.outbox = Objects.requireNonNull(outbox);
        this.jdbc = Objects.requireNonNull(jdbc);
        this.clock = Objects.requireNonNull(clock);
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        this.retention = retention;
    }

    /**
     * One batch: the event rows as one JDBC batch (on PostgreSQL one multi-row INSERT, one round trip, in autocommit),
     * after one primary-key read telling whether the webhook subscriptions changed. When an endpoint wants some of
     * the events, their outbox rows are written in the same transaction as the events (one more batch).
     */
    @Override
    public synchronized void recordAll(List<MailEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            if (outbox.isPresent()) {
                subscriptions = outbox.get().subscriptions(subscriptions);
            }
            long now = clock.millis();
            List<Object[]> rows = new ArrayList<>(events.size());
            List<Object[]> deliveries = new ArrayList<>();
            for (MailEvent event : events) {
                String recipients = recipients(event.getRecipients());
                rows.add(new Object[] {event.getAt().toEpochMilli(), event.getType().wireName(), fit(event.getMailName(), MAIL_NAME),
                    Jdbc.nullable(event.getMessageId().map(id -> fit(id, MESSAGE_ID))),
                    Jdbc.nullable(event.getSender().map(sender -> fit(sender, ADDRESS))), recipients,
                    Jdbc.nullable(event.getAccount().map(account -> fit(account, ADDRESS))),
                    Jdbc.nullable(event.getDetail().map(detail -> fit(detail, DETAIL)))});
                List<String> endpoints = subscriptions.endpointsFor(event);
                if (!endpoints.isEmpty()) {
                    // the webhooks report the event as stored (shortened like its columns), so they always fit too
                    String type = WebhookEventType.of(event.getType()).orElseThrow().type();
                    String payload = WebhookPayload.of(asStored(event, recipients));
                    String messageId = WebhookPayload.newMessageId();
                    for (String endpoint : endpoints) {
                        deliveries.add(new Object[] {messageId, type, payload, now, now, endpoint});
                    }
                }
            }
            if (deliveries.isEmpty()) {
                jdbc.batch(INSERT, rows);
            } else {
                int[] sent = jdbc.inTransaction(tx -> {
                    tx.batch(INSERT, rows);
                    return tx.batch(JdbcWebhookStore.OUTBOX_INSERT, deliveries);
                });
                if (Arrays.stream(sent).anyMatch(count -> count != 0)) {
                    outbox.get().enqueued();
                }
            }
            pruneIfDue();
        } catch (StoreException e) {
            long now = clock.millis();
            long next = nextFailureLog.get();
            if (now >= next && nextFailureLog.compareAndSet(next, now + 60_000)) {
                LOGGER.warn("Postbridge: cannot record {} mail event(s) in the store (dropping them; next warning in a minute at the"
                    + " earliest): {}", events.size(), e.getMessage());
            }
        }
    }

    @Override
    public Optional<String> accountOfMessage(String messageId) {
        String bare = ANGLE_BRACKETS.matcher(messageId.trim()).replaceAll("");
        return jdbc.query("SELECT account FROM pb_mail_event WHERE message_id IN (?, ?) AND account IS NOT NULL "
                + "ORDER BY occurred_at DESC, id DESC LIMIT 1", row -> row.getString("account"), bare, "<" + bare + ">")
            .stream().findFirst();
    }

    @Override
    public List<MailEvent> recent(int limit, Optional<MailEventType> type) {
        return recent(limit, type, Optional.empty());
    }

    @Override
    public List<MailEvent> recent(int limit, Optional<MailEventType> type, Optional<String> account) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM pb_mail_event WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (account.isPresent()) {
            sql.append(" AND account = ?");
            parameters.add(account.get());
        }
        if (type.isPresent()) {
            sql.append(" AND event_type = ?");
            parameters.add(type.get().wireName());
        }
        // the id breaks ties between events of the same millisecond: the later insert is the newer event
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ?");
        parameters.add(limit);
        return jdbc.query(sql.toString(), JdbcMailEventLog::event, parameters.toArray());
    }

    /** Deletes the events older than the retention; returns how many. */
    public int prune() {
        return jdbc.update("DELETE FROM pb_mail_event WHERE occurred_at < ?", clock.millis() - retention.toMillis());
    }

    private void pruneIfDue() {
        long now = clock.millis();
        long due = nextPrune.get();
        if (now >= due && nextPrune.compareAndSet(due, now + PRUNE_INTERVAL.toMillis())) {
            int deleted = prune();
            if (deleted > 0) {
                LOGGER.debug("Postbridge: deleted {} mail event(s) older than {}", deleted, retention);
            }
        }
    }

    private static MailEvent event(ResultSet row) throws SQLException {
        List<String> recipients;
        try {
            recipients = JSON.readValue(row.getString("recipients"), STRING_LIST);
        } catch (JsonProcessingException e) {
            throw new StoreException("a stored mail event has unreadable recipients", e);
        }
        MailEventType type = MailEventType.fromWireName(row.getString("event_type"))
            .orElseThrow(() -> new StoreException("unknown mail event type in the store: " + safe(row, "event_type")));
        return MailEvent.builder(type, row.getString("mail_name")).at(Instant.ofEpochMilli(row.getLong("occurred_at")))
            .messageId(Optional.ofNullable(row.getString("message_id"))).sender(Optional.ofNullable(row.getString("sender")))
            .recipients(recipients).account(Optional.ofNullable(row.getString("account")))
            .detail(Optional.ofNullable(row.getString("detail"))).build();
    }

    private static String safe(ResultSet row, String column) {
        try {
            return row.getString(column);
        } catch (SQLException e) {
            return "?";
        }
    }

    /** The event with its values shortened as the columns store them ({@code recipients}: the column's JSON). */
    static MailEvent asStored(MailEvent event, String recipientsJson) {
        List<String> recipients;
        try {
            recipients = JSON.readValue(recipientsJson, STRING_LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return MailEvent.builder(event.getType(), fit(event.getMailName(), MAIL_NAME)).at(event.getAt())
            .messageId(event.getMessageId().map(id -> fit(id, MESSAGE_ID))).sender(event.getSender().map(sender -> fit(sender, ADDRESS)))
            .recipients(recipients).account(event.getAccount().map(account -> fit(account, ADDRESS)))
            .detail(event.getDetail().map(detail -> fit(detail, DETAIL))).dataOf(event).build();
    }

    /** The recipients as a JSON array that fits its column: when there are too many, the last entry says how many more. */
    static String recipients(List<String> recipients) {
        List<String> kept = new ArrayList<>();
        int length = 2;
        for (int i = 0; i < recipients.size(); i++) {
            String recipient = fit(recipients.get(i), ADDRESS);
            int added = recipient.length() * 2 + 3; // JSON may escape some characters; stay well inside the column
            if (length + added > RECIPIENTS - 64) {
                kept.add("... and " + (recipients.size() - i) + " more");
                break;
            }
            kept.add(recipient);
            length += added;
        }
        try {
            return JSON.writeValueAsString(kept);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fit(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - 3) + "...";
    }
}
