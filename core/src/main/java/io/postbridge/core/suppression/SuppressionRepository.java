package io.postbridge.core.suppression;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The suppression list and the soft-bounce counters, shared by every node (the store). Addresses are stored lower
 * case; callers pass them lower case. Store failures surface as {@link io.postbridge.core.store.StoreException}.
 */
public interface SuppressionRepository {
    Optional<Suppression> find(String scope, String address);

    /** The address's entries in either scope (zero, one or two), in one read: the check of every recipient. */
    List<Suppression> find(String scope, String otherScope, String address);

    /** Suppresses, or if already suppressed adds a hit and keeps the first time and the strongest reason given. */
    Suppression suppress(String scope, String address, SuppressionReason reason, String source, String detail, Instant now,
                         Optional<Instant> expiresAt);

    /**
     * Counts one soft bounce in the window that began with the first soft bounce not older than {@code window};
     * returns the count in the current window (1 when a new window starts).
     */
    int countSoftBounce(String scope, String address, Instant now, java.time.Duration window);

    /** Forgets the soft bounces of the recipient (a delivery succeeded, or it was suppressed). */
    void resetSoftBounces(String scope, String address);

    boolean remove(String scope, String address);

    /** Removes each listed address of the scope; returns how many were there. */
    int removeAll(String scope, Collection<String> addresses);

    /**
     * @param scope         one scope, or empty for all
     * @param addressContains a substring of the address, or empty
     */
    List<Suppression> list(Optional<String> scope, Optional<String> addressContains, int limit);

    /** Deletes suppressions whose expiry has passed; returns how many. */
    int deleteExpired(Instant now);
}
