package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;

/**
 * Mail events in the store (table {@code pb_mail_event}): they survive a restart and every node sharing the
 * database lists them all. Kept for {@code retention} (postbridge.properties {@code events.retention}): at most once
 * an hour, recording an event also deletes the rows older than that, an indexed range delete, so no extra thread
 * or job is needed. An event that cannot be written is logged and dropped: the log must never fail a mail.
 */
public final class JdbcMailEventLog implements MailEventLog {
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

    private final Jdbc jdbc;
    private final Clock clock;
    private final Duration retention;
    private final AtomicLong nextPrune = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong nextFailureLog = new AtomicLong(Long.MIN_VALUE);

    public JdbcMailEventLog(Jdbc jdbc, Clock clock, Duration retention) {
        this.jdbc = Objects.requireNonNull(jdbc);
        this.clock = Objects.requireNonNull(clock);
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        this.retention = retention;
    }

    @Override
    public void record(MailEvent event) {
        try {
            jdbc.update("INSERT INTO pb_mail_event (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                event.getAt().toEpochMilli(), event.getType().wireName(), fit(event.getMailName(), MAIL_NAME),
                Jdbc.nullable(event.getMessageId().map(id -> fit(id, MESSAGE_ID))),
                Jdbc.nullable(event.getSender().map(sender -> fit(sender, ADDRESS))),
                recipients(event.getRecipients()),
                Jdbc.nullable(event.getAccount().map(account -> fit(account, ADDRESS))),
                Jdbc.nullable(event.getDetail().map(detail -> fit(detail, DETAIL))));
            pruneIfDue();
        } catch (StoreException e) {
            long now = clock.millis();
            long next = nextFailureLog.get();
            if (now >= next && nextFailureLog.compareAndSet(next, now + 60_000)) {
                LOGGER.warn("Postbridge: cannot record mail events in the store (dropping them; next warning in a minute at the"
                    + " earliest): {}", e.getMessage());
            }
        }
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
