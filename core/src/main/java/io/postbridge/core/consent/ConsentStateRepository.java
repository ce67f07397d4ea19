package io.postbridge.core.consent;

import java.time.Instant;
import java.util.Optional;

/**
 * Where the consent attempts are kept: the store (pb_consent_state), shared by every node, so a sign-in begun
 * before a restart or on another node can finish. Keys are the SHA-256 of the state, never the state itself.
 */
public interface ConsentStateRepository {
    void insert(String stateHash, ConsentStates.Attempt attempt);

    /**
     * Marks the attempt used and returns it, if it was not used yet: of several concurrent callers with the same
     * state (on any node) exactly one gets it.
     */
    Optional<ConsentStates.Attempt> take(String stateHash, Instant now);

    /** Whether the state is known (pending or used). */
    boolean exists(String stateHash);

    /** Deletes the attempts that expired before {@code cutoff}, used or not. */
    int deleteExpiredBefore(Instant cutoff);

    /** The attempts not used yet and not expired at {@code now}. */
    long countPending(Instant now);
}
