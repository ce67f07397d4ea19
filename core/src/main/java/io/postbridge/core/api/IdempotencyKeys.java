package io.postbridge.core.api;

import java.util.Optional;

/**
 * Idempotency keys of SendMail per account: the first call with a key reserves it, later calls get the same message
 * id. Shared by every node (the store), kept for a day.
 */
public interface IdempotencyKeys {
    /** @return empty when the key was free and is now reserved for {@code messageId}; else the message id it has */
    Optional<String> reserve(long accountId, String key, String messageId);

    /** Frees a reservation whose mail could not be queued, so a retry with the same key sends it. */
    void release(long accountId, String key);
}
