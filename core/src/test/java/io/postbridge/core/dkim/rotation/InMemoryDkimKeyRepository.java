package io.postbridge.core.dkim.rotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** Managed keys in memory, for unit tests (the server keeps them in the store: JdbcDkimKeyRepository). */
public final class InMemoryDkimKeyRepository implements DkimKeyRepository {
    private final Map<String, Map<String, ManagedDkimKey>> keys = new ConcurrentHashMap<>();

    @Override
    public void save(ManagedDkimKey key) {
        keys.computeIfAbsent(key.domain(), d -> new ConcurrentHashMap<>()).put(key.selector(), key);
    }

    @Override
    public Optional<ManagedDkimKey> find(String domain, String selector) {
        return Optional.ofNullable(keys.getOrDefault(domain, Map.of()).get(selector));
    }

    @Override
    public List<ManagedDkimKey> listByDomain(String domain) {
        return new ArrayList<>(new TreeMap<>(keys.getOrDefault(domain, Map.of())).values());
    }

    @Override
    public List<String> domains() {
        return keys.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).sorted()
            .collect(Collectors.toList());
    }

    @Override
    public boolean delete(String domain, String selector) {
        Map<String, ManagedDkimKey> ofDomain = keys.get(domain);
        return ofDomain != null && ofDomain.remove(selector) != null;
    }
}
