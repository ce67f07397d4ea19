-- Postbridge store, version 3: the DKIM keys generated and rotated through WebAdmin (/postbridge/dkim).
-- Portable SQL (H2 2.x and PostgreSQL); times are epoch milliseconds like in V1.
--
-- The private key is NOT in this table. It is a pb_secret row (scope 'dkim', AES-256-GCM under the master key),
-- so master-key rotation re-encrypts it together with every other secret. secret_id ties the two: NOT NULL plus
-- the foreign key mean a key row can never exist without its secret, and the repository writes (and deletes)
-- the row and its secret in one transaction.
-- A key's state (pending, active, retired, ...) is not stored: it follows from the dates below.
CREATE TABLE pb_dkim_key (
    domain            VARCHAR(253)  NOT NULL,
    selector          VARCHAR(253)  NOT NULL,
    -- rsa-sha256 or ed25519-sha256
    algorithm         VARCHAR(32)   NOT NULL,
    -- the p= value published in DNS (base64 SubjectPublicKeyInfo for RSA, the raw 32 bytes for Ed25519)
    public_key        VARCHAR(2048) NOT NULL,
    secret_id         BIGINT        NOT NULL REFERENCES pb_secret (id),
    created_at        BIGINT        NOT NULL,
    -- NULL = signs only once the operator activates it
    activate_at       BIGINT,
    -- set when the operator retired it (being superseded by a newer key is computed, not stored)
    retired_at        BIGINT,
    require_dns_match BOOLEAN       NOT NULL,
    dns_confirmed_at  BIGINT,
    dns_checked_at    BIGINT,
    dns_problem       VARCHAR(2000),
    updated_at        BIGINT        NOT NULL,
    PRIMARY KEY (domain, selector),
    CONSTRAINT pb_dkim_key_secret UNIQUE (secret_id)
);
