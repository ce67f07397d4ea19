package io.postbridge.core.otp;

import java.time.Instant;
import java.util.Optional;

/**
 * Codes in the shared store: one live code per account, address and purpose. Each change is one conditional
 * statement, so two nodes (or two threads) can never both consume a code or both exceed the attempt limit.
 */
public interface OtpRepository {
    /** A stored code: its keyed hash, never the code. */
    final class StoredCode {
        private final long id;
        private final String codeHash;
        private final Instant createdAt;
        private final Instant expiresAt;
        private final int failedAttempts;
        private final Optional<Instant> consumedAt;

        public StoredCode(long id, String codeHash, Instant createdAt, Instant expiresAt, int failedAttempts, Optional<Instant> consumedAt) {
            this.id = id;
            this.codeHash = codeHash;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
            this.failedAttempts = failedAttempts;
            this.consumedAt = consumedAt;
        }

        /** Set by the one successful validation. */
        public Optional<Instant> consumedAt() {
            return consumedAt;
        }

        public long id() {
            return id;
        }

        public String codeHash() {
            return codeHash;
        }

        public Instant createdAt() {
            return createdAt;
        }

        public Instant expiresAt() {
            return expiresAt;
        }

        public int failedAttempts() {
            return failedAttempts;
        }
    }

    Optional<StoredCode> find(long accountId, String address, String purpose);

    /**
     * Replaces the code of this address and purpose unless one was created after {@code replaceCreatedBefore}.
     *
     * @return the id of the new code, or empty when a recent code is still there (resend throttle)
     */
    Optional<Long> replace(long accountId, String address, String purpose, String codeHash, Instant now, Instant expiresAt,
                           Instant replaceCreatedBefore);

    /** Marks the code consumed if it is still usable: true for exactly one caller. */
    boolean consume(long id, Instant now, int maxAttempts);

    /** Counts a wrong attempt while the limit is not reached; false when it was already reached (or the code is gone). */
    boolean recordFailure(long id, int maxAttempts);

    void delete(long id);

    /** Deletes codes expired before {@code now}. @return how many */
    int deleteExpired(Instant now);

    Optional<OtpTemplate> template(long accountId);

    void saveTemplate(long accountId, OtpTemplate template, Instant now);

    boolean deleteTemplate(long accountId);
}
