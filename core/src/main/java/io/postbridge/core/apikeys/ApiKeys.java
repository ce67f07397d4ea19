package io.postbridge.core.apikeys;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Issues, verifies, lists and revokes API keys. An account may have several live keys. */
public final class ApiKeys {
    private final ApiKeyRepository repository;
    private final ApiKeyHasher hasher;
    private final Clock clock;
    // compared against when the key id is unknown, so a miss costs the same as a wrong secret
    private final String decoyHash;

    public ApiKeys(ApiKeyRepository repository, ApiKeyHasher hasher, Clock clock) {
        this.repository = Objects.requireNonNull(repository);
        this.hasher = Objects.requireNonNull(hasher);
        this.clock = Objects.requireNonNull(clock);
        this.decoyHash = hasher.hash(ApiKeyFormat.generate().token());
    }

    /** Creates a key; {@link IssuedApiKey#token()} is the only time the key is available. */
    public IssuedApiKey issue(long accountId) {
        ApiKeyFormat.Generated generated = ApiKeyFormat.generate();
        Instant now = clock.instant();
        repository.add(new ApiKeyRecord(generated.keyId(), accountId, hasher.hash(generated.token()), now, Optional.empty(), Optional.empty()));
        return new IssuedApiKey(generated.keyId(), generated.token(), now);
    }

    /** The account and key id of a presented key, when it is a live key of ours. */
    public Optional<ApiKeyRecord> verify(String presented) {
        Optional<String> keyId = ApiKeyFormat.keyIdOf(presented);
        Optional<ApiKeyRecord> record = keyId.flatMap(repository::findByKeyId);
        boolean matches = hasher.matches(presented == null ? "" : presented.trim(), record.map(ApiKeyRecord::hash).orElse(decoyHash));
        if (record.isEmpty() || !matches || !record.get().live()) {
            return Optional.empty();
        }
        repository.markUsed(record.get().keyId(), clock.instant());
        return record;
    }

    public List<ApiKeyRecord> list(long accountId) {
        return repository.listByAccount(accountId);
    }

    public boolean revoke(long accountId, String keyId) {
        return repository.revoke(accountId, keyId, clock.instant());
    }

    /** Replaces a live key with a new one: the new key is valid before the old one stops working. */
    public Optional<IssuedApiKey> regenerate(long accountId, String keyId) {
        Optional<ApiKeyRecord> old = repository.findByKeyId(keyId)
            .filter(key -> key.accountId() == accountId && key.live());
        if (old.isEmpty()) {
            return Optional.empty();
        }
        IssuedApiKey fresh = issue(accountId);
        repository.revoke(accountId, keyId, clock.instant());
        return Optional.of(fresh);
    }

    public static final class IssuedApiKey {
        private final String keyId;
        private final String token;
        private final Instant createdAt;

        IssuedApiKey(String keyId, String token, Instant createdAt) {
            this.keyId = keyId;
            this.token = token;
            this.createdAt = createdAt;
        }

        public String keyId() {
            return keyId;
        }

        public String token() {
            return token;
        }

        public Instant createdAt() {
            return createdAt;
        }

        @Override
        public String toString() {
            return "IssuedApiKey{" + ApiKeyFormat.displayPrefix(keyId) + "…}";
        }
    }
}
