package io.postbridge.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.alias.AliasDefinition;
import io.postbridge.core.alias.AliasRepository;
import io.postbridge.core.alias.DisabledMode;
import io.postbridge.core.alias.InvalidAliasException;

/**
 * Run-time aliases in the store (tables {@code pb_alias}, {@code pb_alias_target}), so they survive a restart and
 * are shared by every node of a shared PostgreSQL database.
 *
 * <p>Reads ({@link #get}, {@link #list}) are answered from an in-memory snapshot of the whole table, because the
 * mail path asks for every recipient. The snapshot is dropped by this repository's own writes (so a node always
 * sees what it just wrote) and reloaded when it is older than the cache TTL. <b>Staleness:</b> a change made on
 * another node reaches this one within the TTL ({@link #DEFAULT_CACHE_TTL}); until then this node forwards with
 * the aliases it loaded last.
 *
 * <p>When the store cannot be read the exception propagates (the RCPT hook answers 451, the mail is retried):
 * a snapshot is never extended past its TTL, so nodes cannot quietly drift apart.
 */
public final class JdbcAliasRepository implements AliasRepository {
    /** How long a node may forward with a snapshot that misses another node's change. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(5);

    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcAliasRepository.class);
    /** Two nodes inserting the same new alias at once: the loser retries as an update. */
    private static final int WRITE_ATTEMPTS = 3;

    private final Jdbc jdbc;
    private final Clock clock;
    private final Duration cacheTtl;
    // writes and reloads hold this lock, so a reload never re-installs what a write just replaced
    private final Object lock = new Object();
    private volatile Snapshot snapshot;
    private Set<String> reportedBadRows = Set.of();

    public JdbcAliasRepository(Jdbc jdbc, Clock clock, Duration cacheTtl) {
        this.jdbc = Objects.requireNonNull(jdbc);
        this.clock = Objects.requireNonNull(clock);
        if (cacheTtl.isNegative()) {
            throw new IllegalArgumentException("the alias cache TTL cannot be negative: " + cacheTtl);
        }
        this.cacheTtl = cacheTtl;
    }

    @Override
    public Optional<AliasDefinition> get(String sourceKey) {
        return Optional.ofNullable(current().byKey.get(sourceKey));
    }

    @Override
    public List<AliasDefinition> list() {
        return current().ordered;
    }

    @Override
    public void put(AliasDefinition alias) {
        synchronized (lock) {
            for (int attempt = 1; ; attempt++) {
                try {
                    jdbc.inTransaction(tx -> {
                        write(tx, alias);
                        return null;
                    });
                    break;
                } catch (Jdbc.UniqueViolation e) {
                    if (attempt == WRITE_ATTEMPTS) {
                        throw e;
                    }
                }
            }
            snapshot = null;
        }
    }

    private void write(Jdbc tx, AliasDefinition alias) {
        String address = alias.source().key();
        long now = clock.millis();
        // UPDATE first: it locks an existing row, so concurrent writers of one alias take turns (last one wins whole)
        int updated = tx.update("UPDATE pb_alias SET keep_tag = ?, disabled = ?, updated_at = ? WHERE address = ?",
            alias.keepTag(), alias.disabled().wireName(), now, address);
        if (updated == 0) {
            tx.update("INSERT INTO pb_alias (address, keep_tag, disabled, updated_at) VALUES (?, ?, ?, ?)",
                address, alias.keepTag(), alias.disabled().wireName(), now);
        }
        tx.update("DELETE FROM pb_alias_target WHERE address = ?", address);
        List<String> targets = alias.targets();
        for (int i = 0; i < targets.size(); i++) {
            tx.update("INSERT INTO pb_alias_target (address, target_order, target) VALUES (?, ?, ?)", address, i, targets.get(i));
        }
    }

    @Override
    public boolean remove(String sourceKey) {
        synchronized (lock) {
            // the targets go with it (ON DELETE CASCADE)
            boolean removed = jdbc.update("DELETE FROM pb_alias WHERE address = ?", sourceKey) == 1;
            snapshot = null;
            return removed;
        }
    }

    private Snapshot current() {
        Snapshot cached = snapshot;
        if (cached != null && cached.freshAt(clock.instant(), cacheTtl)) {
            return cached;
        }
        synchronized (lock) {
            cached = snapshot;
            Instant now = clock.instant();
            if (cached != null && cached.freshAt(now, cacheTtl)) {
                return cached;
            }
            Snapshot loaded = new Snapshot(now, load());
            snapshot = loaded;
            return loaded;
        }
    }

    /** The whole table in one statement (one consistent view), ordered like the in-memory repository. */
    private Map<String, AliasDefinition> load() {
        List<Row> rows = jdbc.query("SELECT a.address, a.keep_tag, a.disabled, t.target FROM pb_alias a "
            + "LEFT JOIN pb_alias_target t ON t.address = a.address ORDER BY a.address, t.target_order",
            row -> new Row(row.getString("address"), row.getBoolean("keep_tag"), row.getString("disabled"),
                row.getString("target")));
        Map<String, List<Row>> byAddress = new LinkedHashMap<>();
        rows.forEach(row -> byAddress.computeIfAbsent(row.address, address -> new ArrayList<>()).add(row));
        // Java's String order, not the database collation, so H2 and PostgreSQL list the same way
        Map<String, AliasDefinition> byKey = new TreeMap<>();
        Set<String> badRows = new LinkedHashSet<>();
        byAddress.forEach((address, aliasRows) -> {
            try {
                AliasDefinition alias = definition(address, aliasRows);
                byKey.put(alias.source().key(), alias);
            } catch (InvalidAliasException e) {
                badRows.add("'" + address + "': " + e.getMessage());
            }
        });
        reportBadRows(badRows);
        return byKey;
    }

    private static AliasDefinition definition(String address, List<Row> rows) {
        Row first = rows.get(0);
        DisabledMode disabled = DisabledMode.fromWireName(first.disabled)
            .orElseThrow(() -> new InvalidAliasException("unknown disabled mode '" + first.disabled + "'"));
        List<String> targets = new ArrayList<>();
        rows.stream().filter(row -> row.target != null).forEach(row -> targets.add(row.target));
        return AliasDefinition.of(address, targets, first.keepTag, disabled);
    }

    /**
     * A row this version cannot read (edited by hand, or written by another version) is skipped rather than
     * stopping every alias; said once, not at every reload.
     */
    private void reportBadRows(Set<String> badRows) {
        if (!badRows.isEmpty() && !badRows.equals(reportedBadRows)) {
            LOGGER.error("Postbridge: ignoring run-time alias(es) in table pb_alias that are not valid: {}. "
                + "Fix or replace them with PUT /postbridge/aliases/<address>, or DELETE them.", String.join("; ", badRows));
        }
        reportedBadRows = Set.copyOf(badRows);
    }

    /** One alias row joined with one of its targets (null target: an alias without targets). */
    private static final class Row {
        final String address;
        final boolean keepTag;
        final String disabled;
        final String target;

        Row(String address, boolean keepTag, String disabled, String target) {
            this.address = address;
            this.keepTag = keepTag;
            this.disabled = disabled;
            this.target = target;
        }
    }

    private static final class Snapshot {
        final Instant loadedAt;
        final Map<String, AliasDefinition> byKey;
        final List<AliasDefinition> ordered;

        Snapshot(Instant loadedAt, Map<String, AliasDefinition> byKey) {
            this.loadedAt = loadedAt;
            this.byKey = byKey;
            this.ordered = List.copyOf(byKey.values());
        }

        /** A clock that went backwards also means reload: the age cannot be trusted. */
        boolean freshAt(Instant now, Duration ttl) {
            return !now.isBefore(loadedAt) && now.isBefore(loadedAt.plus(ttl));
        }
    }
}
