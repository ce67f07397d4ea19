package io.postbridge.core.dkim.keys;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.postbridge.core.dkim.DkimPrivateKey;
import io.postbridge.core.dkim.DkimSigningKey;

/**
 * The operator's static key table (from mailetcontainer.xml): domain pattern, selector, private key file. Every key
 * listed for the best-matching pattern signs, so one RSA and one Ed25519 entry give dual signatures.
 */
public final class DkimKeyTable implements DkimKeySource {
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMinutes(1);

    /** One row of the table. */
    public static final class Entry {
        private final DomainPattern domain;
        private final String selector;
        private final Path privateKey;

        public Entry(DomainPattern domain, String selector, Path privateKey) {
            this.domain = Objects.requireNonNull(domain);
            this.selector = DkimSigningKey.normalizeSelector(selector);
            this.privateKey = Objects.requireNonNull(privateKey);
        }

        public DomainPattern domain() {
            return domain;
        }

        public String selector() {
            return selector;
        }

        public Path privateKey() {
            return privateKey;
        }

        @Override
        public String toString() {
            return domain + " " + selector + " " + privateKey;
        }
    }

    private static final class Row {
        final Entry entry;
        final KeyFile file;

        Row(Entry entry, KeyFile file) {
            this.entry = entry;
            this.file = file;
        }
    }

    private final List<Row> rows;

    public DkimKeyTable(List<Entry> entries, Clock clock, Duration checkInterval) {
        List<Row> built = new ArrayList<>();
        for (Entry entry : entries) {
            built.add(new Row(entry, new KeyFile(entry.privateKey, clock, checkInterval)));
        }
        this.rows = List.copyOf(built);
    }

    public static DkimKeyTable empty() {
        return new DkimKeyTable(List.of(), Clock.systemUTC(), DEFAULT_CHECK_INTERVAL);
    }

    @Override
    public KeyLookup lookup(String domain) {
        Set<DomainPattern> patterns = rows.stream().map(r -> r.entry.domain).collect(Collectors.toCollection(LinkedHashSet::new));
        Optional<DomainPattern> best = DomainPattern.best(patterns, domain);
        if (best.isEmpty()) {
            return KeyLookup.notConfigured();
        }
        List<DkimSigningKey> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Row row : rows) {
            if (!row.entry.domain.equals(best.get())) {
                continue;
            }
            Optional<DkimPrivateKey> key = row.file.current();
            if (key.isPresent()) {
                keys.add(new DkimSigningKey(best.get().signingDomain(), row.entry.selector, key.get()));
            }
            String problem = row.file.problem();
            if (problem != null) {
                problems.add("selector " + row.entry.selector + " of " + best.get() + ": " + problem);
            }
        }
        return keys.isEmpty() ? KeyLookup.unavailable(problems) : KeyLookup.found(keys, problems);
    }

    /** Rows whose key file exists but is not a usable key (bad format, too weak): a configuration error. */
    public List<String> invalidKeys() {
        return problems(KeyFile.Status.INVALID);
    }

    /** Rows whose key file is absent or unreadable now (the missing-key policy applies until it appears). */
    public List<String> missingKeys() {
        return problems(KeyFile.Status.MISSING);
    }

    private List<String> problems(KeyFile.Status status) {
        return rows.stream().filter(r -> r.file.status() == status)
            .map(r -> r.entry.domain + " selector " + r.entry.selector + ": " + r.file.problem())
            .collect(Collectors.toList());
    }

    public List<Entry> entries() {
        return rows.stream().map(r -> r.entry).collect(Collectors.toList());
    }

    /** One row as WebAdmin lists it: the entry, its key if loaded (for the DNS record), and what is wrong. */
    public static final class RowStatus {
        private final Entry entry;
        private final Optional<DkimSigningKey> key;
        private final Optional<String> problem;

        RowStatus(Entry entry, Optional<DkimSigningKey> key, Optional<String> problem) {
            this.entry = entry;
            this.key = key;
            this.problem = problem;
        }

        public Entry entry() {
            return entry;
        }

        public Optional<DkimSigningKey> key() {
            return key;
        }

        public Optional<String> problem() {
            return problem;
        }
    }

    public List<RowStatus> statuses() {
        List<RowStatus> statuses = new ArrayList<>();
        for (Row row : rows) {
            Optional<DkimSigningKey> key = row.file.current()
                .map(k -> new DkimSigningKey(row.entry.domain.signingDomain(), row.entry.selector, k));
            statuses.add(new RowStatus(row.entry, key, Optional.ofNullable(row.file.problem())));
        }
        return statuses;
    }
}
