-- Postbridge store, version 12: the event log writes in batches from a background writer (issue 14) and decides in
-- memory which webhook endpoints want each event. Its copy of the subscriptions (enabled endpoints, their account
-- and event types) is checked against this one-row counter once per batch: every transaction that creates, changes,
-- disables or deletes an endpoint increments it, on whichever node it runs, so a node sharing the database sees
-- another node's change at its next batch. Portable SQL (H2 2.x and PostgreSQL).
CREATE TABLE pb_webhook_generation (
    id          INTEGER NOT NULL PRIMARY KEY,
    generation  BIGINT  NOT NULL
);
INSERT INTO pb_webhook_generation (id, generation) VALUES (1, 0);
