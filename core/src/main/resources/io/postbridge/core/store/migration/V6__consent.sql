-- Postbridge store, version 6: the sign-in attempts of the consent pages (docs/consent.md), in the store so that a
-- restart, or another node behind the same address, can finish a sign-in begun elsewhere.
-- Portable SQL: runs unchanged on H2 2.x (embedded default) and PostgreSQL 10+ (several nodes).
-- Times are epoch milliseconds (BIGINT).

-- One row per attempt, from GET /connect/PROVIDER to its callback. Neither the state nor the browser cookie is
-- stored, only their SHA-256 (base64url); the PKCE verifier is needed again at the callback, so it is sealed
-- (AES-GCM with the master key, 'pb1:<key id>:...', bound to the row). used_at is set by the one callback that
-- takes the attempt (UPDATE ... WHERE used_at IS NULL); used rows stay one more state lifetime so a replay says
-- "this link was used", then every row is deleted.
CREATE TABLE pb_consent_state (
    state_hash            VARCHAR(64)   PRIMARY KEY,
    provider              VARCHAR(16)   NOT NULL,
    browser_hash          VARCHAR(64)   NOT NULL,
    verifier              VARCHAR(1000) NOT NULL,
    login_hint            VARCHAR(320),
    invited               BOOLEAN       NOT NULL,
    invitation_mailbox    VARCHAR(320),
    invitation_expires_at BIGINT,
    expires_at            BIGINT        NOT NULL,
    used_at               BIGINT
);
CREATE INDEX pb_consent_state_expires ON pb_consent_state (expires_at);
