package io.postbridge.core.alias;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a recipient into the addresses its mail goes to. For a recipient of a local domain, in this order:
 * <ol>
 *   <li>an alias for the exact address;</li>
 *   <li>with plus-addressing, an alias for the address without its {@code +tag};</li>
 *   <li>a James user (or the user without the tag) is not an alias: patterns and catch-alls never take a user's mail;</li>
 *   <li>the most specific matching pattern;</li>
 *   <li>the catch-all of the domain.</li>
 * </ol>
 * Targets that are aliases themselves are expanded the same way, up to a nesting depth; a target equal to the
 * address being expanded is delivered as is (keep a copy); any other return to an address already on the path
 * is a loop. Nested disabled aliases contribute no targets.
 */
public final class AliasResolver {
    public static final int DEFAULT_MAX_DEPTH = 8;
    public static final int DEFAULT_MAX_TARGETS = 50;

    /** Plus-addressing delimiter ("" = off), nesting limit, and most targets one message may reach. */
    public static final class Settings {
        private final String delimiter;
        private final int maxDepth;
        private final int maxTargets;

        public Settings(String delimiter, int maxDepth, int maxTargets) {
            if (maxDepth < 1) {
                throw new IllegalArgumentException("the nesting depth must be at least 1, was " + maxDepth);
            }
            if (maxTargets < 1) {
                throw new IllegalArgumentException("the target limit must be at least 1, was " + maxTargets);
            }
            if (delimiter.indexOf('@') >= 0 || delimiter.length() > 1) {
                throw new IllegalArgumentException("the sub-address delimiter must be one character (or empty), was '"
                    + delimiter + "'");
            }
            this.delimiter = delimiter;
            this.maxDepth = maxDepth;
            this.maxTargets = maxTargets;
        }

        public static Settings defaults() {
            return new Settings("+", DEFAULT_MAX_DEPTH, DEFAULT_MAX_TARGETS);
        }

        public String delimiter() {
            return delimiter;
        }

        public int maxDepth() {
            return maxDepth;
        }

        public int maxTargets() {
            return maxTargets;
        }
    }

    private final AliasCatalog catalog;
    private final LocalMailboxes mailboxes;
    private final Settings settings;

    public AliasResolver(AliasCatalog catalog, LocalMailboxes mailboxes, Settings settings) {
        this.catalog = catalog;
        this.mailboxes = mailboxes;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    public AliasCatalog catalog() {
        return catalog;
    }

    public Resolution resolve(String recipient) {
        Optional<Match> top = lookup(recipient);
        if (top.isEmpty()) {
            return new Resolution(Resolution.Outcome.NOT_ALIAS, recipient, Optional.empty(), "", List.of(), "");
        }
        AliasCatalog.Entry entry = top.get().entry;
        switch (entry.definition().disabled()) {
            case REJECT:
                return new Resolution(Resolution.Outcome.DISABLED_REJECT, recipient, Optional.of(entry), top.get().address, List.of(),
                    "alias " + entry.definition().source().key() + " is disabled");
            case DROP:
                return new Resolution(Resolution.Outcome.DISABLED_DROP, recipient, Optional.of(entry), top.get().address, List.of(),
                    "alias " + entry.definition().source().key() + " is disabled (mail dropped)");
            default:
                break;
        }
        Map<String, Resolution.Target> targets = new LinkedHashMap<>();
        List<String> path = new ArrayList<>();
        path.add(lower(recipient));
        try {
            expand(top.get(), path, targets);
        } catch (Stop stop) {
            return new Resolution(stop.outcome, recipient, Optional.of(entry), top.get().address, List.of(), stop.detail);
        }
        return new Resolution(Resolution.Outcome.FORWARD, recipient, Optional.of(entry), top.get().address,
            new ArrayList<>(targets.values()), "");
    }

    private void expand(Match match, List<String> path, Map<String, Resolution.Target> out) throws Stop {
        String current = path.get(path.size() - 1);
        for (String target : match.entry.definition().targetsFor(match.captures)) {
            String address = match.entry.definition().keepTag() && match.tag != null && !match.tag.isEmpty()
                ? withTag(target, match.tag) : target;
            String key = lower(address);
            if (key.equals(current)) {
                addTerminal(address, out);
                continue;
            }
            if (path.contains(key)) {
                List<String> loop = new ArrayList<>(path.subList(path.indexOf(key), path.size()));
                loop.add(key);
                throw new Stop(Resolution.Outcome.LOOP, "alias loop: " + String.join(" -> ", loop));
            }
            Optional<Match> nested = lookup(address);
            if (nested.isEmpty()) {
                addTerminal(address, out);
                continue;
            }
            if (nested.get().entry.definition().disabled() != DisabledMode.NO) {
                continue;
            }
            if (path.size() >= settings.maxDepth) {
                List<String> chain = new ArrayList<>(path);
                chain.add(key);
                throw new Stop(Resolution.Outcome.TOO_DEEP, "aliases nested deeper than " + settings.maxDepth + ": "
                    + String.join(" -> ", chain));
            }
            path.add(key);
            expand(nested.get(), path, out);
            path.remove(path.size() - 1);
        }
    }

    private void addTerminal(String address, Map<String, Resolution.Target> out) throws Stop {
        String key = lower(address);
        if (out.containsKey(key)) {
            return;
        }
        out.put(key, new Resolution.Target(address, mailboxes.isLocalDomain(domainOf(address))));
        if (out.size() > settings.maxTargets) {
            throw new Stop(Resolution.Outcome.TOO_MANY_TARGETS,
                "more than " + settings.maxTargets + " targets after alias expansion");
        }
    }

    private Optional<Match> lookup(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        String local = address.substring(0, at);
        String domain = lower(address.substring(at + 1));
        if (!mailboxes.isLocalDomain(domain)) {
            return Optional.empty();
        }
        Optional<AliasCatalog.Entry> exact = catalog.exact(lower(local) + "@" + domain);
        if (exact.isPresent()) {
            return Optional.of(new Match(exact.get(), List.of(), null, lower(local) + "@" + domain));
        }
        int tagAt = settings.delimiter.isEmpty() ? -1 : local.indexOf(settings.delimiter);
        String base = tagAt > 0 ? local.substring(0, tagAt) : local;
        String tag = tagAt > 0 ? local.substring(tagAt + 1) : null;
        if (tag != null) {
            Optional<AliasCatalog.Entry> untagged = catalog.exact(lower(base) + "@" + domain);
            if (untagged.isPresent()) {
                return Optional.of(new Match(untagged.get(), List.of(), tag, lower(base) + "@" + domain));
            }
        }
        if (mailboxes.isLocalUser(address) || (tag != null && mailboxes.isLocalUser(base + "@" + domain))) {
            return Optional.empty();
        }
        Optional<AliasCatalog.PatternHit> pattern = catalog.bestPattern(lower(base), domain);
        if (pattern.isPresent()) {
            return Optional.of(new Match(pattern.get().entry, pattern.get().captures, tag, lower(base) + "@" + domain));
        }
        return catalog.catchAll(domain).map(entry -> new Match(entry, List.of(), tag, lower(base) + "@" + domain));
    }

    private String withTag(String address, String tag) {
        int at = address.lastIndexOf('@');
        return address.substring(0, at) + settings.delimiter + tag + address.substring(at);
    }

    private static String domainOf(String address) {
        return lower(address.substring(address.lastIndexOf('@') + 1));
    }

    static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }

    private static final class Match {
        final AliasCatalog.Entry entry;
        final List<String> captures;
        final String tag;
        /** The address the alias answered for: lower case, without the tag. */
        final String address;

        Match(AliasCatalog.Entry entry, List<String> captures, String tag, String address) {
            this.entry = entry;
            this.captures = captures;
            this.tag = tag;
            this.address = address;
        }
    }

    /** Ends an expansion early with a failure outcome. */
    private static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Resolution.Outcome outcome;
        final String detail;

        Stop(Resolution.Outcome outcome, String detail) {
            super(detail, null, false, false);
            this.outcome = outcome;
            this.detail = detail;
        }
    }
}
