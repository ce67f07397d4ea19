package io.postbridge.core.alias;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * All aliases the server knows: those written in mailetcontainer.xml and the run-time ones kept in the
 * {@link AliasRepository}. <b>Precedence:</b> when both define the same source, the run-time alias wins (an
 * operator can change or disable a configured alias without a restart); deleting the run-time one brings the
 * configured one back.
 */
public final class AliasCatalog {
    public enum Origin {
        CONFIG("mailetcontainer.xml"), RUNTIME("webadmin");

        private final String wireName;

        Origin(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** An alias and where it was defined. */
    public static final class Entry {
        private final AliasDefinition definition;
        private final Origin origin;

        Entry(AliasDefinition definition, Origin origin) {
            this.definition = definition;
            this.origin = origin;
        }

        public AliasDefinition definition() {
            return definition;
        }

        public Origin origin() {
            return origin;
        }
    }

    /** A pattern that matched, with what its wildcards captured. */
    static final class PatternHit {
        final Entry entry;
        final List<String> captures;

        PatternHit(Entry entry, List<String> captures) {
            this.entry = entry;
            this.captures = captures;
        }
    }

    /** Most specific pattern first: more literal characters, then alphabetical for a stable order. */
    private static final Comparator<Entry> SPECIFICITY = Comparator
        .comparingInt((Entry entry) -> -entry.definition.source().literalLength())
        .thenComparing(entry -> entry.definition.source().key());

    private final Map<String, AliasDefinition> configured;
    private final AliasRepository runtime;

    public AliasCatalog(Collection<AliasDefinition> configured, AliasRepository runtime) {
        Map<String, AliasDefinition> byKey = new LinkedHashMap<>();
        for (AliasDefinition definition : configured) {
            if (byKey.put(definition.source().key(), definition) != null) {
                throw new InvalidAliasException("'" + definition.source().key() + "' is defined twice");
            }
        }
        this.configured = byKey;
        this.runtime = runtime;
    }

    public static AliasCatalog empty(AliasRepository runtime) {
        return new AliasCatalog(List.of(), runtime);
    }

    public AliasRepository runtime() {
        return runtime;
    }

    public Optional<Entry> get(String sourceKey) {
        Optional<AliasDefinition> live = runtime.get(sourceKey);
        if (live.isPresent()) {
            return Optional.of(new Entry(live.get(), Origin.RUNTIME));
        }
        return Optional.ofNullable(configured.get(sourceKey)).map(definition -> new Entry(definition, Origin.CONFIG));
    }

    /** The configured alias with this source, even when a run-time one overrides it. */
    public Optional<AliasDefinition> configured(String sourceKey) {
        return Optional.ofNullable(configured.get(sourceKey));
    }

    Optional<Entry> exact(String lowerAddress) {
        return get(lowerAddress);
    }

    Optional<Entry> catchAll(String domain) {
        return get("@" + domain);
    }

    Optional<PatternHit> bestPattern(String lowerLocalPart, String domain) {
        List<Entry> candidates = new ArrayList<>();
        for (Entry entry : effective()) {
            AliasSource source = entry.definition.source();
            if (source.kind() == AliasSource.Kind.PATTERN && source.domain().equals(domain)) {
                candidates.add(entry);
            }
        }
        candidates.sort(SPECIFICITY);
        for (Entry entry : candidates) {
            Optional<List<String>> captures = entry.definition.source().match(lowerLocalPart);
            if (captures.isPresent()) {
                return Optional.of(new PatternHit(entry, captures.get()));
            }
        }
        return Optional.empty();
    }

    /** Every alias in effect, ordered by source, run-time ones replacing configured ones with the same source. */
    public List<Entry> effective() {
        Map<String, Entry> merged = new TreeMap<>();
        configured.values().forEach(definition -> merged.put(definition.source().key(), new Entry(definition, Origin.CONFIG)));
        runtime.list().forEach(definition -> merged.put(definition.source().key(), new Entry(definition, Origin.RUNTIME)));
        return new ArrayList<>(merged.values());
    }
}
