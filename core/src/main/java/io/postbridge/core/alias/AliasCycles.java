package io.postbridge.core.alias;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds cycles among aliases written for exact addresses ({@code a -> b -> a}) before they are used, so a bad
 * configuration is refused when it is written instead of bouncing mail later. Patterns and catch-alls depend on
 * which users exist at the time, so those loops are caught when mail is resolved ({@link AliasResolver}).
 * A target equal to its own alias is not a cycle: it keeps a copy in that mailbox.
 */
public final class AliasCycles {
    private AliasCycles() {
    }

    /** The first cycle found, as {@code a@x -> b@x -> a@x}. */
    public static Optional<String> find(Collection<AliasDefinition> aliases, String delimiter) {
        Map<String, List<String>> edges = new HashMap<>();
        for (AliasDefinition alias : aliases) {
            if (alias.source().kind() == AliasSource.Kind.ADDRESS && alias.disabled() == DisabledMode.NO) {
                edges.put(alias.source().key(), new ArrayList<>());
            }
        }
        for (AliasDefinition alias : aliases) {
            String from = alias.source().key();
            if (!edges.containsKey(from)) {
                continue;
            }
            for (String target : alias.targets()) {
                exactAlias(target, edges.keySet(), delimiter)
                    .filter(to -> !to.equals(from))
                    .ifPresent(to -> edges.get(from).add(to));
            }
        }
        Set<String> done = new HashSet<>();
        for (String start : edges.keySet().stream().sorted().toArray(String[]::new)) {
            Optional<String> cycle = walk(start, edges, new ArrayList<>(), done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> walk(String node, Map<String, List<String>> edges, List<String> path, Set<String> done) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return Optional.of(String.join(" -> ", cycle));
        }
        if (done.contains(node)) {
            return Optional.empty();
        }
        path.add(node);
        for (String next : edges.getOrDefault(node, List.of())) {
            Optional<String> cycle = walk(next, edges, path, done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        done.add(node);
        return Optional.empty();
    }

    private static Optional<String> exactAlias(String target, Set<String> sources, String delimiter) {
        String lower = AliasResolver.lower(target);
        if (sources.contains(lower)) {
            return Optional.of(lower);
        }
        int at = lower.lastIndexOf('@');
        int tag = delimiter.isEmpty() ? -1 : lower.indexOf(delimiter);
        if (tag > 0 && tag < at) {
            String base = lower.substring(0, tag) + lower.substring(at);
            if (sources.contains(base)) {
                return Optional.of(base);
            }
        }
        return Optional.empty();
    }
}
