package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.postbridge.core.apikeys.ApiKeyRecord;
import io.postbridge.core.apikeys.ApiKeyRepository;

public final class JdbcApiKeyRepository implements ApiKeyRepository {
    /** "last used" is informational: one write per key per minute is enough, however busy the key is. */
    static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    private static final String COLUMNS = "key_id, account_id, key_hash, created_at, last_used_at, revoked_at";

    private final Jdbc jdbc;

    public JdbcApiKeyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void add(ApiKeyRecord key) {
        jdbc.update("INSERT INTO pb_api_key (key_id, account_id, key_hash, created_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
            key.keyId(), key.accountId(), key.hash(), key.createdAt().toEpochMilli(),
            Jdbc.nullableLong(key.lastUsedAt().map(Instant::toEpochMilli)), Jdbc.nullableLong(key.revokedAt().map(Instant::toEpochMilli)));
    }

    @Override
    public Optional<ApiKeyRecord> findByKeyId(String keyId) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM pb_api_key WHERE key_id = ?", JdbcApiKeyRepository::record, keyId);
    }

    @Override
    public List<ApiKeyRecord> listByAccount(long accountId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM pb_api_key WHERE account_id = ? ORDER BY created_at, key_id",
            JdbcApiKeyRepository::record, accountId);
    }

    @Override
    public boolean revoke(long accountId, String keyId, Instant at) {
        return jdbc.update("UPDATE pb_api_key SET revoked_at = ? WHERE account_id = ? AND key_id = ? AND revoked_at IS NULL",
            at.toEpochMilli(), accountId, keyId) == 1;
    }

    @Override
    public long countLive() {
        return jdbc.queryOne("SELECT COUNT(*) AS n FROM pb_api_key WHERE revoked_at IS NULL", row -> row.getLong("n")).orElse(0L);
    }

    @Override
    public void markUsed(String keyId, Instant at) {
        jdbc.update("UPDATE pb_api_key SET last_used_at = ? WHERE key_id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
            at.toEpochMilli(), keyId, at.minus(LAST_USED_RESOLUTION).toEpochMilli());
    }

    private static ApiKeyRecord record(ResultSet row) throws SQLException {
        return new ApiKeyRecord(row.getString("key_id"), row.getLong("account_id"), row.getString("key_hash"),
            Instant.ofEpochMilli(row.getLong("created_at")),
            Jdbc.optionalLong(row, "last_used_at").map(Instant::ofEpochMilli),
            Jdbc.optionalLong(row, "revoked_at").map(Instant::ofEpochMilli));
    }
}
