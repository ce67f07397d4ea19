package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.postbridge.core.secrets.SecretRepository;
import io.postbridge.core.secrets.StoredSecret;

public final class JdbcSecretRepository implements SecretRepository {
    private static final String COLUMNS = "id, scope, name, account_id, key_id, ciphertext";

    private final Jdbc jdbc;
    private final Clock clock;

    public JdbcSecretRepository(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void put(String scope, String name, Optional<Long> accountId, String keyId, String ciphertext) {
        long now = clock.millis();
        jdbc.inTransaction(tx -> {
            int updated = tx.update("UPDATE pb_secret SET account_id = ?, key_id = ?, ciphertext = ?, updated_at = ? WHERE scope = ? AND name = ?",
                Jdbc.nullableLong(accountId), keyId, ciphertext, now, scope, name);
            if (updated == 0) {
                tx.update("INSERT INTO pb_secret (scope, name, account_id, key_id, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    scope, name, Jdbc.nullableLong(accountId), keyId, ciphertext, now);
            }
            return null;
        });
    }

    @Override
    public boolean insertIfAbsent(String scope, String name, Optional<Long> accountId, String keyId, String ciphertext) {
        return jdbc.insertIfAbsent("INSERT INTO pb_secret (scope, name, account_id, key_id, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            scope, name, Jdbc.nullableLong(accountId), keyId, ciphertext, clock.millis());
    }

    @Override
    public Optional<StoredSecret> find(String scope, String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM pb_secret WHERE scope = ? AND name = ?", JdbcSecretRepository::secret, scope, name);
    }

    @Override
    public List<StoredSecret> listScope(String scope) {
        return jdbc.query("SELECT " + COLUMNS + " FROM pb_secret WHERE scope = ? ORDER BY name", JdbcSecretRepository::secret, scope);
    }

    @Override
    public boolean delete(String scope, String name) {
        return jdbc.update("DELETE FROM pb_secret WHERE scope = ? AND name = ?", scope, name) == 1;
    }

    @Override
    public int deleteScope(String scope) {
        return jdbc.update("DELETE FROM pb_secret WHERE scope = ?", scope);
    }

    @Override
    public List<StoredSecret> notEncryptedWith(String keyId, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM pb_secret WHERE key_id <> ? ORDER BY id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
            JdbcSecretRepository::secret, keyId);
    }

    @Override
    public boolean replaceCiphertext(long id, String expectedCiphertext, String keyId, String ciphertext) {
        return jdbc.update("UPDATE pb_secret SET key_id = ?, ciphertext = ?, updated_at = ? WHERE id = ? AND ciphertext = ?",
            keyId, ciphertext, clock.millis(), id, expectedCiphertext) == 1;
    }

    @Override
    public long count() {
        return jdbc.queryOne("SELECT COUNT(*) AS n FROM pb_secret", row -> row.getLong("n")).orElse(0L);
    }

    @Override
    public java.util.Set<String> keyIdsInUse() {
        return new java.util.TreeSet<>(jdbc.query("SELECT DISTINCT key_id FROM pb_secret", row -> row.getString("key_id")));
    }

    private static StoredSecret secret(ResultSet row) throws SQLException {
        return new StoredSecret(row.getLong("id"), row.getString("scope"), row.getString("name"),
            Jdbc.optionalLong(row, "account_id"), row.getString("key_id"), row.getString("ciphertext"));
    }
}
