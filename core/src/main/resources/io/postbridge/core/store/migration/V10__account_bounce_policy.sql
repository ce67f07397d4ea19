-- Postbridge store, version 10: per-account overrides of the suppression policy (WebAdmin
-- /postbridge/suppressions/ACCOUNT/policy, docs/bounces.md). Portable SQL (H2 2.x, PostgreSQL 10+).
-- A NULL column: the postbridge.properties default applies.
CREATE TABLE pb_bounce_policy (
    account         VARCHAR(320) NOT NULL PRIMARY KEY,
    -- soft bounces within suppression.softWindow that suppress
    soft_bounces    INTEGER,
    -- reject | accept-and-drop
    enforcement     VARCHAR(32),
    -- whether an inbound bounce goes on to the original sender
    forward_bounces BOOLEAN,
    updated_at      BIGINT       NOT NULL
);
