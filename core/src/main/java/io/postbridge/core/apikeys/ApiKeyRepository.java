package io.postbridge.core.apikeys;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Stored API key hashes. */
public interface ApiKeyRepository {
    void add(ApiKeyRecord key);

    Optional<ApiKeyRecord> findByKeyId(String keyId);

    List<ApiKeyRecord> listByAccount(long accountId);

    /** @return false when the account has no such live key */
    boolean revoke(long accountId, String keyId, Instant at);

    /** How many keys are not revoked, of every account (a new pepper makes all of them useless). */
    long countLive();

    /** Records a successful use; implementations may skip the write when the last one is recent. */
    void markUsed(String keyId, Instant at);
}
