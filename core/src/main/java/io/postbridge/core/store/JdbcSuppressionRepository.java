package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.suppression.Suppression;
import io.postbridge.core.suppression.SuppressionReason;
import io.postbridge.core.suppression.SuppressionRepository;

/**
 * The suppression list in the store (tables pb_suppression, pb_soft_bounce, migration V5). Every write is one
 * conditional statement, or an insert that falls back to the update when another node inserted first.
 */
public final class JdbcSuppressionRepository implements SuppressionRepository {
    private static final String COLUMNS = "scope, address, reason, source, detail, first_seen, last_seen, hits, expires_at";

    private final Jdbc jdbc;

    public JdbcSuppressionRepository(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc);
    }

    @Override
    public Optional<Suppression> find(String scope, String address) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM pb_suppression WHERE scope = ? AND address = ?",
            JdbcSuppressionRepository::row, scope, address);
    }

    @Override
    public List<Suppression> find(String scope, String otherScope, String address) {
        return jdbc.query("SELECT " + COLUMNS + " FROM pb_suppression WHERE address = ? AND scope IN (?, ?)",
            JdbcSuppressionRepository::row, address, scope, otherScope);
    }

    @Override
    public Suppression suppress(String scope, String address, SuppressionReason reason, String source, String detail,
                                Instant now, Optional<Instant> expiresAt) {
        String shortDetail = detail == null ? "" : detail.length() > 1000 ? detail.substring(0, 1000) : detail;
        Object expiry = Jdbc.nullableLong(expiresAt.map(Instant::toEpochMilli));
        for (int attempt = 0; attempt < 2; attempt++) {
            // a complaint is never downgraded by a later bounce: it is the stronger reason not to send
            int updated = jdbc.update("UPDATE pb_suppression SET hits = hits + 1, last_seen = ?, detail = ?, source = ?, "
                    + "reason = CASE WHEN reason = 'complaint' THEN reason ELSE ? END, expires_at = ? WHERE scope = ? AND address = ?",
                now.toEpochMilli(), shortDetail, source, reason.wireName(), expiry, scope, address);
            if (updated == 0 && jdbc.insertIfAbsent("INSERT INTO pb_suppression (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                scope, address, reason.wireName(), source, shortDetail, now.toEpochMilli(), now.toEpochMilli(), expiry)) {
                break;
            }
            if (updated == 1) {
                break;
            }
        }
        return find(scope, address).orElseThrow(() -> new StoreException("suppression of " + address + " vanished while written"));
    }

    @Override
    public int countSoftBounce(String scope, String address, Instant now, Duration window) {
        long nowMs = now.toEpochMilli();
        long oldestStart = nowMs - window.toMillis();
        for (int attempt = 0; attempt < 2; attempt++) {
            if (jdbc.update("UPDATE pb_soft_bounce SET bounces = bounces + 1 WHERE scope = ? AND address = ? AND window_start >= ?",
                scope, address, oldestStart) == 1) {
                return jdbc.queryOne("SELECT bounces FROM pb_soft_bounce WHERE scope = ? AND address = ?",
                    r -> r.getInt("bounces"), scope, address).orElse(1);
            }
            // no window, or one that is over: a new window starts with this bounce
            if (jdbc.update("UPDATE pb_soft_bounce SET bounces = 1, window_start = ? WHERE scope = ? AND address = ? AND window_start < ?",
                nowMs, scope, address, oldestStart) == 1) {
                return 1;
            }
            if (jdbc.insertIfAbsent("INSERT INTO pb_soft_bounce (scope, address, window_start, bounces) VALUES (?, ?, ?, 1)",
                scope, address, nowMs)) {
                return 1;
            }
        }
        return 1;
    }

    @Override
    public void resetSoftBounces(String scope, String address) {
        jdbc.update("DELETE FROM pb_soft_bounce WHERE scope = ? AND address = ?", scope, address);
    }

    @Override
    public boolean remove(String scope, String address) {
        return jdbc.update("DELETE FROM pb_suppression WHERE scope = ? AND address = ?", scope, address) == 1;
    }

    @Override
    public int removeAll(String scope, Collection<String> addresses) {
        return jdbc.inTransaction(tx -> {
            int removed = 0;
            for (String address : addresses) {
                removed += tx.update("DELETE FROM pb_suppression WHERE scope = ? AND address = ?", scope, address);
                tx.update("DELETE FROM pb_soft_bounce WHERE scope = ? AND address = ?", scope, address);
            }
            return removed;
        });
    }

    @Override
    public List<Suppression> list(Optional<String> scope, Optional<String> addressContains, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM pb_suppression WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        scope.ifPresent(s -> {
            sql.append(" AND scope = ?");
            parameters.add(s);
        });
        addressContains.ifPresent(a -> {
            // LIKE wildcards in the search are taken literally
            sql.append(" AND address LIKE ? ESCAPE '!'");
            parameters.add("%" + a.toLowerCase(java.util.Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        });
        sql.append(" ORDER BY last_seen DESC, scope, address LIMIT ").append(limit);
        return jdbc.query(sql.toString(), JdbcSuppressionRepository::row, parameters.toArray());
    }

    @Override
    public int deleteExpired(Instant now) {
        return jdbc.update("DELETE FROM pb_suppression WHERE expires_at IS NOT NULL AND expires_at <= ?", now.toEpochMilli());
    }

    private static Suppression row(ResultSet row) throws SQLException {
        String reason = row.getString("reason");
        return new Suppression(row.getString("scope"), row.getString("address"),
            SuppressionReason.fromWireName(reason).orElseThrow(() -> new StoreException("unknown suppression reason " + reason)),
            row.getString("source"), Optional.ofNullable(row.getString("detail")).orElse(""),
            Instant.ofEpochMilli(row.getLong("first_seen")), Instant.ofEpochMilli(row.getLong("last_seen")), row.getInt("hits"),
            Jdbc.optionalLong(row, "expires_at").map(Instant::ofEpochMilli));
    }
}
