package io.postbridge.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.otp.OtpRepository;
import io.postbridge.core.otp.OtpTemplate;

/**
 * One-time codes in {@code pb_otp_code}: consuming and counting a wrong attempt are each one conditional UPDATE, atomic in H2 and PostgreSQL, so nodes sharing the store agree on every code.
 */
public final class JdbcOtpRepository implements OtpRepository {
    private final Jdbc jdbc;

    public JdbcOtpRepository(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc);
    }

    @Override
    public Optional<StoredCode> find(long accountId, String address, String purpose) {
        return jdbc.queryOne("SELECT id, code_hash, created_at, expires_at, failed_attempts, consumed_at FROM pb_otp_code "
                + "WHERE account_id = ? AND address = ? AND purpose = ?",
            row -> new StoredCode(row.getLong("id"), row.getString("code_hash"), Instant.ofEpochMilli(row.getLong("created_at")),
                Instant.ofEpochMilli(row.getLong("expires_at")), row.getInt("failed_attempts"),
                Jdbc.optionalLong(row, "consumed_at").map(Instant::ofEpochMilli)),
            accountId, address, purpose);
    }

    @Override
    public Optional<Long> replace(long accountId, String address, String purpose, String codeHash, Instant now, Instant expiresAt,
                                  Instant replaceCreatedBefore) {
        // an old code goes; a recent one stays and makes the INSERT fail on the unique (account, address, purpose)
        jdbc.update("DELETE FROM pb_otp_code WHERE account_id = ? AND address = ? AND purpose = ? AND created_at <= ?",
            accountId, address, purpose, replaceCreatedBefore.toEpochMilli());
        try {
            return Optional.of(jdbc.insertReturningId("INSERT INTO pb_otp_code (account_id, address, purpose, code_hash, created_at, "
                    + "expires_at, failed_attempts) VALUES (?, ?, ?, ?, ?, ?, 0)",
                accountId, address, purpose, codeHash, now.toEpochMilli(), expiresAt.toEpochMilli()));
        } catch (Jdbc.UniqueViolation e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean consume(long id, Instant now, int maxAttempts) {
        return jdbc.update("UPDATE pb_otp_code SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL AND expires_at > ? "
            + "AND failed_attempts < ?", now.toEpochMilli(), id, now.toEpochMilli(), maxAttempts) == 1;
    }

    @Override
    public boolean recordFailure(long id, int maxAttempts) {
        return jdbc.update("UPDATE pb_otp_code SET failed_attempts = failed_attempts + 1 WHERE id = ? AND consumed_at IS NULL "
            + "AND failed_attempts < ?",
            id, maxAttempts) == 1;
    }

    @Override
    public void delete(long id) {
        jdbc.update("DELETE FROM pb_otp_code WHERE id = ?", id);
    }

    @Override
    public int deleteExpired(Instant now) {
        return jdbc.update("DELETE FROM pb_otp_code WHERE expires_at <= ?", now.toEpochMilli());
    }

    @Override
    public Optional<OtpTemplate> template(long accountId) {
        return jdbc.queryOne("SELECT sender, subject, body FROM pb_otp_template WHERE account_id = ?",
            row -> new OtpTemplate(Optional.ofNullable(row.getString("sender")), row.getString("subject"), row.getString("body")),
            accountId);
    }

    @Override
    public void saveTemplate(long accountId, OtpTemplate template, Instant now) {
        jdbc.inTransaction(tx -> {
            tx.update("DELETE FROM pb_otp_template WHERE account_id = ?", accountId);
            tx.update("INSERT INTO pb_otp_template (account_id, sender, subject, body, updated_at) VALUES (?, ?, ?, ?, ?)",
                accountId, Jdbc.nullable(template.sender()), template.subject(), template.body(), now.toEpochMilli());
            return null;
        });
    }

    @Override
    public boolean deleteTemplate(long accountId) {
        return jdbc.update("DELETE FROM pb_otp_template WHERE account_id = ?", accountId) == 1;
    }
}
