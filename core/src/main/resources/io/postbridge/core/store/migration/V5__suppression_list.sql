-- Postbridge store, version 5: the suppression list and the soft-bounce counters (bounce handling, docs/bounces.md).
-- Portable SQL: runs unchanged on H2 2.x (embedded default) and PostgreSQL 10+ (several nodes).
-- Times are epoch milliseconds (BIGINT). Addresses are lower case.

-- A recipient an account no longer sends to. scope = the account's name, or '*' for every account (not a foreign
-- key: a global entry has no account, and an account's entries are removed with it by the application).
CREATE TABLE pb_suppression (
    scope      VARCHAR(320)  NOT NULL,
    address    VARCHAR(320)  NOT NULL,
    -- hard-bounce | soft-bounces | complaint | manual
    reason     VARCHAR(32)   NOT NULL,
    -- bounce | complaint | smtp | provider | webadmin
    source     VARCHAR(32)   NOT NULL,
    -- the status and remote reply that decided it
    detail     VARCHAR(1000),
    first_seen BIGINT        NOT NULL,
    last_seen  BIGINT        NOT NULL,
    hits       INTEGER       NOT NULL,
    -- NULL: until removed (suppression.expiry unset)
    expires_at BIGINT,
    PRIMARY KEY (scope, address)
);
CREATE INDEX pb_suppression_address ON pb_suppression (address);

-- Soft bounces of a recipient not yet suppressed, in the window that began with window_start
-- (suppression.softWindow). Deleted by a successful delivery and when the recipient is suppressed.
CREATE TABLE pb_soft_bounce (
    scope        VARCHAR(320) NOT NULL,
    address      VARCHAR(320) NOT NULL,
    window_start BIGINT       NOT NULL,
    bounces      INTEGER      NOT NULL,
    PRIMARY KEY (scope, address)
);

-- A bounce without a VERP address is linked to its sender by the returned Message-ID (MailEventLog.accountOfMessage).
CREATE INDEX pb_mail_event_message_id ON pb_mail_event (message_id);
