package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import io.postbridge.core.consent.ConsentProvider;
import io.postbridge.core.consent.ConsentStateRepository;
import io.postbridge.core.consent.ConsentStates;
import io.postbridge.core.consent.Invitations;
import io.postbridge.core.consent.Pkce;
import io.postbridge.core.secrets.SecretCipher;

/** pb_consent_state (V6): the PKCE verifier sealed with the master key, bound to its row by the state's hash. */
public final class JdbcConsentStateRepository implements ConsentStateRepository {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private final Jdbc jdbc;
    private final SecretCipher cipher;

    public JdbcConsentStateRepository(Jdbc jdbc, SecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    @Override
    public void insert(String stateHash, ConsentStates.Attempt attempt) {
        jdbc.update("INSERT INTO pb_consent_state (state_hash, provider, browser_hash, verifier, login_hint, invited, "
                + "invitation_mailbox, invitation_expires_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            stateHash, attempt.provider().name(), B64URL.encodeToString(attempt.browserHash()),
            cipher.encrypt(attempt.pkce().verifier(), context(stateHash)), Jdbc.nullable(attempt.loginHint()),
            attempt.invitation().isPresent(), Jdbc.nullable(attempt.invitation().flatMap(Invitations.Invitation::mailbox)),
            Jdbc.nullableLong(attempt.invitation().map(i -> i.expiresAt().toEpochMilli())), attempt.expiresAt().toEpochMilli());
    }

    @Override
    public Optional<ConsentStates.Attempt> take(String stateHash, Instant now) {
        // the conditional update is the single-use guarantee: only one caller moves used_at from NULL
        if (jdbc.update("UPDATE pb_consent_state SET used_at = ? WHERE state_hash = ? AND used_at IS NULL", now.toEpochMilli(), stateHash) != 1) {
            return Optional.empty();
        }
        return jdbc.queryOne("SELECT * FROM pb_consent_state WHERE state_hash = ?", row -> attempt(stateHash, row), stateHash);
    }

    @Override
    public boolean exists(String stateHash) {
        return jdbc.queryOne("SELECT 1 AS found FROM pb_consent_state WHERE state_hash = ?", row -> true, stateHash).isPresent();
    }

    @Override
    public int deleteExpiredBefore(Instant cutoff) {
        return jdbc.update("DELETE FROM pb_consent_state WHERE expires_at < ?", cutoff.toEpochMilli());
    }

    @Override
    public long countPending(Instant now) {
        return jdbc.queryOne("SELECT COUNT(*) AS n FROM pb_consent_state WHERE used_at IS NULL AND expires_at >= ?",
            row -> row.getLong("n"), now.toEpochMilli()).orElse(0L);
    }

    private ConsentStates.Attempt attempt(String stateHash, ResultSet row) throws SQLException {
        Optional<Invitations.Invitation> invitation = row.getBoolean("invited")
            ? Optional.of(new Invitations.Invitation(Optional.ofNullable(row.getString("invitation_mailbox")),
                Instant.ofEpochMilli(row.getLong("invitation_expires_at"))))
            : Optional.empty();
        return new ConsentStates.Attempt(ConsentProvider.valueOf(row.getString("provider")),
            B64URL_DECODER.decode(row.getString("browser_hash")),
            Pkce.ofVerifier(cipher.decrypt(row.getString("verifier"), context(stateHash))),
            Optional.ofNullable(row.getString("login_hint")), invitation, Instant.ofEpochMilli(row.getLong("expires_at")));
    }

    private static String context(String stateHash) {
        return "consent-state/" + stateHash;
    }
}
