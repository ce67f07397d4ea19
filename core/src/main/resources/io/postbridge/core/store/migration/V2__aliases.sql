-- Postbridge store, version 2: run-time aliases (WebAdmin /postbridge/aliases), so they survive a restart and
-- every node sharing the database forwards the same way. Aliases written in mailetcontainer.xml are not stored.
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 10+ (see V1).

-- One row per alias (io.postbridge.core.alias.AliasDefinition).
-- address: the canonical source, lower case: 'info@example.com', a pattern 'support-*@example.com' or a
--          catch-all '@example.com' (AliasSource.key(); at most 64 + 1 + 253 characters)
-- keep_tag: alias+tag@ is passed on as target+tag@
-- disabled: 'no' (forwarded), 'reject' (550 5.2.1 at RCPT) or 'drop' (accepted and discarded)
CREATE TABLE pb_alias (
    address    VARCHAR(320) PRIMARY KEY,
    keep_tag   BOOLEAN      NOT NULL,
    disabled   VARCHAR(16)  NOT NULL,
    updated_at BIGINT       NOT NULL,
    CONSTRAINT pb_alias_disabled CHECK (disabled IN ('no', 'reject', 'drop'))
);

-- The targets of an alias, in the order they were given (delivery and the WebAdmin answer keep that order).
-- A target is stored as written, with its $1..$9 placeholders (a local part of up to 64 characters after
-- filling, so up to 128 as written, plus 1 + 253 for the domain).
CREATE TABLE pb_alias_target (
    address      VARCHAR(320) NOT NULL REFERENCES pb_alias (address) ON DELETE CASCADE,
    target_order INTEGER      NOT NULL,
    target       VARCHAR(512) NOT NULL,
    PRIMARY KEY (address, target_order)
);
