package io.postbridge.core.alias;

import java.util.List;
import java.util.Optional;

/**
 * The run-time aliases (those managed through WebAdmin), keyed by {@link AliasSource#key()}. The server keeps
 * them in the store ({@code io.postbridge.core.store.JdbcAliasRepository}).
 * Implementations must be safe for concurrent use. {@link #list()} is called on the mail path when no exact alias
 * matches, so a slow store should cache it.
 */
public interface AliasRepository {
    Optional<AliasDefinition> get(String sourceKey);

    /** Every alias, ordered by source key. */
    List<AliasDefinition> list();

    /** Creates or replaces the alias with the same source. */
    void put(AliasDefinition alias);

    /** @return whether there was one */
    boolean remove(String sourceKey);
}
