package io.postbridge.core.alias;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Run-time aliases in memory, for unit tests (the server keeps them in the store: JdbcAliasRepository). */
public class InMemoryAliasRepository implements AliasRepository {
    private final ConcurrentSkipListMap<String, AliasDefinition> aliases = new ConcurrentSkipListMap<>();

    @Override
    public Optional<AliasDefinition> get(String sourceKey) {
        return Optional.ofNullable(aliases.get(sourceKey));
    }

    @Override
    public List<AliasDefinition> list() {
        return new ArrayList<>(aliases.values());
    }

    @Override
    public void put(AliasDefinition alias) {
        aliases.put(alias.source().key(), alias);
    }

    @Override
    public boolean remove(String sourceKey) {
        return aliases.remove(sourceKey) != null;
    }
}
