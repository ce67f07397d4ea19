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
import java.util.function.Consumer;

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
 * mail path asks for every recipient. This repository's own writes are applied to the snapshot at once (a node
 * always sees what it just wrote) and make the next read reload it; otherwise it is reloaded when it is older than
 * the cache TTL. <b>Staleness:</b> a change made on another node reaches this one within the TTL
 * ({@link #DEFAULT_CACHE_TTL}); until then this node forwards with the aliases it loaded last.
 *
 * <p>When a reload fails (store unreachable) the node keeps its last snapshot, says so once in the log, and tries
 * again once per TTL: inbound mail keeps flowing through a database outage, and lookups do not each wait for a
 * dead connection. Only a node that has no snapshot yet fails the lookup (the RCPT hook answers 451).
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
    private Instant failingSince;

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
            afterWrite(aliases -> aliases.put(alias.source().key(), alias));
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
            afterWrite(aliases -> aliases.remove(sourceKey));
            return removed;
        }
    }

    /** Called with the lock held, once the write is committed. */
    private void afterWrite(Consumer<Map<String, AliasDefinition>> change) {
        Snapshot cached = snapshot;
        snapshot = cached == null ? null : cached.changedLocally(change);
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
            Snapshot loaded;
            try {
                loaded = new Snapshot(load(), now);
                if (failingSince != null) {
                    LOGGER.info("Postbridge: run-time aliases reloaded from the store again (unreadable since {})", failingSince);
                    failingSince = null;
                }
            } catch (StoreException e) {
                if (cached == null) {
                    throw e;
                }
                if (failingSince == null) {
                    failingSince = now;
                    LOGGER.error("Postbridge: cannot reload the run-time aliases from the store ({}); this node keeps "
                        + "forwarding with the aliases it has and retries every {} ms", e.getMessage(), cacheTtl.toMillis());
                }
                loaded = cached.checkedAt(now);
            }
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
        final Map<String, AliasDefinition> byKey;
        final List<AliasDefinition> ordered;
        /** When the store was last read (or tried); null: changed locally, reload at the next read. */
        final Instant checkedAt;

        Snapshot(Map<String, AliasDefinition> byKey, Instant checkedAt) {
            this.byKey = byKey;
            this.ordered = List.copyOf(byKey.values());
            this.checkedAt = checkedAt;
        }

        /** A clock that went backwards also means reload: the age cannot be trusted. */
        boolean freshAt(Instant now, Duration ttl) {
            return checkedAt != null && !now.isBefore(checkedAt) && now.isBefore(checkedAt.plus(ttl));
        }

        Snapshot checkedAt(Instant now) {
            return new Snapshot(byKey, now);
        }

        Snapshot changedLocally(Consumer<Map<String, AliasDefinition>> change) {
            Map<String, AliasDefinition> copy = new TreeMap<>(byKey);
            change.accept(copy);
            return new Snapshot(copy, null);
        }
    }
}
