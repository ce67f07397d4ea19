package io.postbridge.core.apikeys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A stored API key: its public id, the account, the keyed hash and its life cycle. Never the key itself. */
public final class ApiKeyRecord {
    private final String keyId;
    private final long accountId;
    private final String hash;
    private final Instant createdAt;
    private final Optional<Instant> lastUsedAt;
    private final Optional<Instant> revokedAt;

    public ApiKeyRecord(String keyId, long accountId, String hash, Instant createdAt, Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {
        this.keyId = Objects.requireNonNull(keyId);
        this.accountId = accountId;
        this.hash = Objects.requireNonNull(hash);
        this.createdAt = Objects.requireNonNull(createdAt);
        this.lastUsedAt = Objects.requireNonNull(lastUsedAt);
        this.revokedAt = Objects.requireNonNull(revokedAt);
    }

    public String keyId() {
        return keyId;
    }

    public long accountId() {
        return accountId;
    }

    public String hash() {
        return hash;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Optional<Instant> lastUsedAt() {
        return lastUsedAt;
    }

    public Optional<Instant> revokedAt() {
        return revokedAt;
    }

    public boolean live() {
        return revokedAt.isEmpty();
    }

    @Override
    public String toString() {
        return "ApiKeyRecord{" + keyId + ", account " + accountId + (live() ? "" : ", revoked") + "}";
    }
}
