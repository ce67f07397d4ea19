package io.postbridge.core.dkim.rotation;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Storage for managed DKIM keys, one row per (domain, selector). Deliberately small so a JDBC table (with the
 * private key encrypted at rest) can back it; implementations must be thread-safe.
 */
public interface DkimKeyRepository {
    /** Inserts or replaces the key with the same domain and selector. */
    void save(ManagedDkimKey key) throws IOException;

    Optional<ManagedDkimKey> find(String domain, String selector) throws IOException;

    List<ManagedDkimKey> listByDomain(String domain) throws IOException;

    /** Domains that have at least one key. */
    List<String> domains() throws IOException;

    /** True if it existed. */
    boolean delete(String domain, String selector) throws IOException;
}
